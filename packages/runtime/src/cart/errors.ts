import type { CartError } from "./types.js";

/** One RFC 6901 reference token: `~` → `~0`, `/` → `~1`. */
export function escapePointerSegment(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** `path: message`, with the root (the empty pointer) shown as "(root)". */
export function cartError(path: string, message: string): CartError {
  return { path, message: `${path === "" ? "(root)" : path}: ${message}` };
}
