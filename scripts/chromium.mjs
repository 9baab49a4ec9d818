// Where the browser tests, the playground benchmark and the screenshot scripts find Chromium: Debian's package (or
// $PROMO_CHROMIUM), driven by playwright-core with `executablePath`, never a downloaded browser. `.ci/run` installs
// Debian's chromium when it is missing.
import { existsSync } from "node:fs";

export const CHROMIUM_PATHS = [process.env["PROMO_CHROMIUM"], "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].filter((p) => !!p);

/** The first Chromium found, or undefined. */
export function findChromium() {
  return CHROMIUM_PATHS.find((p) => existsSync(p));
}

/** Why a browser test is skipped (printed by the caller), or undefined when Chromium is there. */
export function chromiumMissing() {
  return findChromium() === undefined ? `no Chromium found (looked at ${CHROMIUM_PATHS.join(", ")}); install it with 'apt-get install chromium'` : undefined;
}

/** Launches headless Chromium through playwright-core. */
export async function launchChromium(executablePath = findChromium()) {
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath, args: ["--no-sandbox"] });
}
