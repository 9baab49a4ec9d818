import type { Feature } from "../feature.js";

/** The navigation features; each feature lives in its own file and is listed here. */
export const NAVIGATION_FEATURES: readonly Feature[] = [];
