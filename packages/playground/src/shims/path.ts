/** The POSIX subset of node:path the front end imports, for the browser bundle. */
export const sep = "/";

function normalize(path: string): string {
  const absolute = path.startsWith("/");
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop();
    else if (part !== ".." || !absolute) out.push(part);
  }
  return (absolute ? "/" : "") + out.join("/");
}

export const isAbsolute = (path: string): boolean => path.startsWith("/");
export const join = (...parts: string[]): string => normalize(parts.filter((p) => p !== "").join("/")) || ".";
export const resolve = (...parts: string[]): string => {
  let out = "";
  for (const part of parts) out = part.startsWith("/") ? part : `${out}/${part}`;
  return normalize(out.startsWith("/") ? out : `/${out}`);
};
export const dirname = (path: string): string => {
  const slash = path.replace(/\/+$/, "").lastIndexOf("/");
  return slash > 0 ? path.slice(0, slash) : slash === 0 ? "/" : ".";
};
export const basename = (path: string): string => path.replace(/\/+$/, "").split("/").pop() ?? "";
export const relative = (from: string, to: string): string => {
  const a = resolve(from).split("/").filter(Boolean);
  const b = resolve(to).split("/").filter(Boolean);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => ".."), ...b.slice(i)].join("/");
};
export default { sep, isAbsolute, join, resolve, dirname, basename, relative };
