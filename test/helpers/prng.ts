/** A small seeded PRNG (mulberry32): generated test inputs are the same on every run and machine. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `length` random bytes. */
export function randomBytes(seed: number, length: number): Uint8Array {
  const next = prng(seed);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Math.floor(next() * 256);
  return out;
}

/** `length` characters drawn from `alphabet`. */
export function randomText(seed: number, length: number, alphabet: string): string {
  const next = prng(seed);
  const chars = [...alphabet];
  const out: string[] = new Array<string>(length);
  for (let i = 0; i < length; i++) out[i] = chars[Math.floor(next() * chars.length)]!;
  return out.join("");
}
