/**
 * The page's state in the URL fragment: `#s=` and the rules and cart as JSON, deflated and base64url-encoded, so a
 * link restores both. `#example=NAME/CART` opens a bundled example.
 */
export interface SharedState {
  rules: string;
  cart: string;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

async function through(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

export async function encodeState(state: SharedState): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify({ v: 1, rules: state.rules, cart: state.cart }));
  return `s=${toBase64Url(await through(json, new CompressionStream("deflate-raw")))}`;
}

/** The state a fragment holds, or undefined when it holds none (or a damaged one). */
export async function decodeState(fragment: string): Promise<SharedState | undefined> {
  const body = fragment.replace(/^#/, "");
  if (!body.startsWith("s=")) return undefined;
  try {
    const json = new TextDecoder().decode(await through(fromBase64Url(body.slice(2)), new DecompressionStream("deflate-raw")));
    const value = JSON.parse(json) as Partial<SharedState>;
    return typeof value.rules === "string" && typeof value.cart === "string" ? { rules: value.rules, cart: value.cart } : undefined;
  } catch {
    return undefined;
  }
}
