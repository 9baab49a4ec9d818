import type { Browser } from "playwright-core";
export declare const CHROMIUM_PATHS: string[];
export declare function findChromium(): string | undefined;
export declare function chromiumMissing(): string | undefined;
export declare function launchChromium(executablePath?: string): Promise<Browser>;
