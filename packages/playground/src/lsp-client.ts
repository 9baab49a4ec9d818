/**
 * A small JSON-RPC client for the language server in the worker: requests, notifications, and the server's own
 * requests (capability registration, refreshes) answered with null. Messages are LSP objects sent by postMessage.
 */
interface Message {
  jsonrpc: "2.0";
  id?: number | string | null;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

export class LspClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly handlers = new Map<string, (params: unknown) => void>();

  constructor(private readonly port: MessagePort) {
    port.onmessage = (event: MessageEvent<Message>) => this.receive(event.data);
  }

  request<T>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.port.postMessage({ jsonrpc: "2.0", id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.port.postMessage({ jsonrpc: "2.0", method, params });
  }

  onNotification(method: string, handler: (params: unknown) => void): void {
    this.handlers.set(method, handler);
  }

  private receive(message: Message): void {
    if (message.method === undefined) {
      const waiting = typeof message.id === "number" ? this.pending.get(message.id) : undefined;
      if (!waiting) return;
      this.pending.delete(message.id as number);
      if (message.error) waiting.reject(new Error(message.error.message));
      else waiting.resolve(message.result);
    } else if (message.id !== undefined && message.id !== null) {
      this.port.postMessage({ jsonrpc: "2.0", id: message.id, result: null });
    } else {
      this.handlers.get(message.method)?.(message.params);
    }
  }
}
