import type { Feature } from "../feature.js";
import { ACTIONS_FEATURES } from "./actions.js";
import { diagnosticsFeature } from "./diagnostics.js";
import { EDITING_FEATURES } from "./editing.js";
import { NAVIGATION_FEATURES } from "./navigation.js";

/** Every feature the server offers; each lives in its own file. */
export const FEATURES: readonly Feature[] = [diagnosticsFeature, ...NAVIGATION_FEATURES, ...EDITING_FEATURES, ...ACTIONS_FEATURES];
