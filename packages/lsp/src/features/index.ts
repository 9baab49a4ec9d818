import type { Feature } from "../feature.js";
import { diagnosticsFeature } from "./diagnostics.js";

/** Every feature the server offers; each lives in its own file. */
export const FEATURES: readonly Feature[] = [diagnosticsFeature];
