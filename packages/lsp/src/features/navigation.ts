import type { Feature } from "../feature.js";
import { definitionFeature } from "./definition.js";
import { hoverFeature } from "./hover.js";
import { referencesFeature } from "./references.js";
import { renameFeature } from "./rename.js";
import { documentSymbolFeature, workspaceSymbolFeature } from "./symbols.js";

/** The navigation features; each feature lives in its own file and is listed here. */
export const NAVIGATION_FEATURES: readonly Feature[] = [
  hoverFeature,
  definitionFeature,
  referencesFeature,
  renameFeature,
  documentSymbolFeature,
  workspaceSymbolFeature,
];
