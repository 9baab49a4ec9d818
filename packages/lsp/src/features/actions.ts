import type { Feature } from "../feature.js";

/** The actions features; each feature lives in its own file and is listed here. */
export const ACTIONS_FEATURES: readonly Feature[] = [];
