import type { Connection } from "vscode-languageserver/node";

/**
 * Every request and notification handler runs through this: a failure is logged and answered with the fallback,
 * so one bad request (an invalid position, a document closed mid-request) never takes the server down.
 */
export function guard<P extends unknown[], R>(
  connection: Connection,
  name: string,
  fallback: R,
  handler: (...params: P) => R | Promise<R>,
): (...params: P) => Promise<R> {
  return async (...params: P) => {
    try {
      return await handler(...params);
    } catch (error) {
      connection.console.error(`promo-lsp: ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return fallback;
    }
  };
}
