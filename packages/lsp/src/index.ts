export { startServer } from "./server.js";
export { Workspace, type Analysis } from "./workspace.js";
export type { Feature, FeatureContext } from "./feature.js";
export { FEATURES } from "./features/index.js";
