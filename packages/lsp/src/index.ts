export { startServer } from "./server.js";
export { Workspace, type Analysis, type WorkspaceFiles } from "./workspace.js";
export { nodeFiles } from "./node-files.js";
export type { Feature, FeatureContext } from "./feature.js";
export { FEATURES } from "./features/index.js";
