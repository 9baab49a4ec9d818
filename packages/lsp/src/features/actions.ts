import type { Feature } from "../feature.js";
import { codeActionsFeature } from "./code-actions.js";
import { codeLensFeature } from "./code-lens.js";
import { formattingFeature } from "./formatting.js";

/** The actions features; each feature lives in its own file and is listed here. */
export const ACTIONS_FEATURES: readonly Feature[] = [formattingFeature, codeActionsFeature, codeLensFeature];
