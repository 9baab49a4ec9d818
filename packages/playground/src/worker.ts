/// <reference lib="webworker" />
import { startBrowserServer } from "@promo/lsp/browser";
import { evaluate } from "./evaluate.js";

/**
 * The page's worker: the project's language server (packages/lsp's browser entry) on a MessagePort the page hands
 * over first, and pricing requests on the worker's own port. Both run here so the page never blocks on a check.
 */
declare const self: DedicatedWorkerGlobalScope;

export type WorkerRequest = { type: "lsp"; port: MessagePort } | { type: "evaluate"; id: number; rules: string; cart: string };

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const message = event.data;
  if (message.type === "lsp") {
    startBrowserServer(message.port);
    message.port.start();
  } else if (message.type === "evaluate") {
    let evaluation;
    try {
      evaluation = evaluate(message.rules, message.cart);
    } catch (error) {
      // A bug, not user input: reported on the page rather than lost in the worker.
      evaluation = { status: "cart-errors" as const, errors: [{ path: "", message: `internal error: ${String(error)}` }], examples: [] };
    }
    self.postMessage({ type: "evaluation", id: message.id, evaluation });
  }
};
