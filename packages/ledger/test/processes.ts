import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";

/** A checkout process (worker.mjs) driven over IPC. */
export class Checkout {
  private readonly child: ChildProcess;
  private next = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly ready: Promise<void>;

  constructor(store: string, holdMs: number, options: Record<string, unknown> = {}) {
    this.child = fork(join(import.meta.dirname, "worker.mjs"), [store, String(holdMs), JSON.stringify(options)], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    // A killed process answers nothing more: what it was asked fails.
    this.child.on("exit", () => {
      for (const p of this.pending.values()) p.reject(new Error("checkout process died"));
      this.pending.clear();
    });
    this.ready = new Promise((resolve, reject) => {
      this.child.once("error", reject);
      this.child.once("exit", (code) => reject(new Error(`checkout process exited early (${code})`)));
      this.child.on("message", (m: { ready?: boolean; id?: number; result?: unknown; error?: string }) => {
        if (m.ready) return resolve();
        const p = this.pending.get(m.id!);
        this.pending.delete(m.id!);
        if (m.error !== undefined) p?.reject(new Error(m.error));
        else p?.resolve(m.result);
      });
    });
  }

  ask<T>(op: string, body: Record<string, unknown> = {}): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, op, ...body });
    });
  }

  /** SIGKILL: no cleanup, no goodbye. */
  kill(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once("exit", () => resolve());
      this.child.kill("SIGKILL");
    });
  }

  get dead(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  async exit(): Promise<void> {
    if (this.dead) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    await this.ask("exit").catch(() => undefined);
    await exited;
  }
}
