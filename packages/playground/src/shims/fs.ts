/** node:fs in the browser: there is no disk, so every read fails the way a missing file does. */
function absent(): never {
  throw new Error("no file system in the browser");
}
export const readFileSync = absent;
export const statSync = absent;
export const realpathSync = absent;
export const readdirSync = absent;
export const existsSync = (): boolean => false;
export default { readFileSync, statSync, realpathSync, readdirSync, existsSync };
