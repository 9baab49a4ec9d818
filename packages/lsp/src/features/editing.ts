import type { Feature } from "../feature.js";

/** The editing features; each feature lives in its own file and is listed here. */
export const EDITING_FEATURES: readonly Feature[] = [];
