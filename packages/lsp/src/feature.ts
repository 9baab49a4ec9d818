import type { Connection, ServerCapabilities } from "vscode-languageserver/node";
import type { Workspace } from "./workspace.js";

/** What every feature module gets: the connection, the workspace, and the guard for its handlers. */
export interface FeatureContext {
  connection: Connection;
  workspace: Workspace;
  /** Wraps a handler so that an exception is logged and answered with `fallback`. */
  guard<P extends unknown[], R>(name: string, fallback: R, handler: (...params: P) => R | Promise<R>): (...params: P) => Promise<R>;
}

/** One LSP feature per file (features/*.ts): the capabilities it announces and the handlers it registers. */
export interface Feature {
  name: string;
  capabilities: ServerCapabilities;
  register(ctx: FeatureContext): void;
}
