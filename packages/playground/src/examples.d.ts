/** The example rule files and carts of examples/, bundled in by build.mjs. */
declare module "playground:examples" {
  const examples: { name: string; title: string; rules: string; carts: { name: string; text: string }[] }[];
  export default examples;
}
