import type { Feature } from "../feature.js";
import { completionFeature } from "./completion.js";
import { foldingFeature } from "./folding.js";
import { inlayHintsFeature } from "./inlay-hints.js";
import { semanticTokensFeature } from "./semantic-tokens.js";
import { signatureHelpFeature } from "./signature-help.js";

/** The editing features; each feature lives in its own file and is listed here. */
export const EDITING_FEATURES: readonly Feature[] = [completionFeature, signatureHelpFeature, semanticTokensFeature, foldingFeature, inlayHintsFeature];
