// Records every URL that module resolution returns from the moment this module is imported: a resolve hook
// (node:module register) runs on the loader thread and posts each URL back. `resolvedUrls()` asks the hook thread
// for a reply after its last post, so every URL resolved so far has arrived when the promise settles (messages on
// one port keep their order). Used by test/package-boundaries.test.ts to prove what an entry point loads.
import { register } from "node:module";

const resolved = [];
const { port1, port2 } = new MessageChannel();
let flushed;
port1.on("message", (message) => {
  if (message === "flushed") flushed?.();
  else resolved.push(message);
});
port1.unref();

const hook = `
let port;
export function initialize(data) {
  port = data.port;
  port.on("message", (message) => { if (message === "flush") port.postMessage("flushed"); });
  port.unref();
}
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  port.postMessage(result.url);
  return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`, { data: { port: port2 }, transferList: [port2] });

/** Every URL resolved since this module was loaded. */
export function resolvedUrls() {
  return new Promise((resolve) => {
    flushed = () => resolve([...resolved]);
    port1.ref();
    port1.postMessage("flush");
  }).finally(() => port1.unref());
}
