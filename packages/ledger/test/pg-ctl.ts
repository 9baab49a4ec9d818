import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

/**
 * Runs pg_ctl on the test server as its owner (PostgreSQL refuses root), without blocking the event loop so the
 * checkouts keep running. The server logs to a file: a restarted postmaster must not inherit our pipes.
 */
export async function pgCtl(...args: string[]): Promise<void> {
  const ctl = process.env["PROMO_TEST_PG_CTL"];
  const data = process.env["PROMO_TEST_PG_DATA"];
  const owner = process.env["PROMO_TEST_PG_USER"];
  if (!ctl || !data) throw new Error("restarting PostgreSQL needs PROMO_TEST_PG_CTL and PROMO_TEST_PG_DATA (scripts/test-postgres.sh start exports them)");
  const log = join(data, "..", "server.log");
  const command = owner && owner !== userInfo().username ? ["runuser", "-u", owner, "--", ctl] : [ctl];
  try {
    await promisify(execFile)(command[0]!, [...command.slice(1), "-D", data, "-l", log, "-w", "-t", "60", ...args], { timeout: 90_000 });
  } catch (error) {
    let tail = "";
    try {
      tail = readFileSync(log, "utf8").slice(-2000);
    } catch {
      // no log to show
    }
    throw new Error(`pg_ctl ${args.join(" ")} failed: ${(error as Error).message}\n${tail}`);
  }
}
