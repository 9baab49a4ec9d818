/** node:url's file-URL helpers for the browser bundle (the language server names its documents by file: URI). */
export function fileURLToPath(url: string | URL): string {
  const parsed = typeof url === "string" ? new URL(url) : url;
  return decodeURIComponent(parsed.pathname);
}
export function pathToFileURL(path: string): URL {
  return new URL(`file://${encodeURI(path).replace(/[?#]/g, encodeURIComponent)}`);
}
export default { fileURLToPath, pathToFileURL };
