/**
 * The main job on the bundled examples: check and format-check the rule files, run their examples with both
 * engines, compile each rule file into a bundle (build/<name>.mjs), then price the sample carts in
 * examples/carts/ with those bundles and print the explained results.
 */
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { checkProject, diskHost } from "../packages/dsl/dist/index.js";
import { runCli } from "../packages/cli/dist/main.js";
import { explanation, renderReport } from "../packages/cli/dist/eval.js";
import { styles } from "../packages/cli/dist/rules.js";

const root = new URL("..", import.meta.url).pathname;
const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const io = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), isTTY: color, cwd: root };
const s = styles(color);
const step = async (args) => {
  console.log(s.bold(`\n$ promo ${args.join(" ")}`));
  const code = await runCli(args, io);
  if (code !== 0) process.exit(code);
};

await step(["check", "examples"]);
await step(["fmt", "--check", "examples"]);
await step(["test", "examples"]);

const ruleFiles = readdirSync(join(root, "examples")).filter((f) => f.endsWith(".promo")).sort();
const carts = readdirSync(join(root, "examples", "carts")).filter((f) => f.endsWith(".json")).sort();
mkdirSync(join(root, "build"), { recursive: true });
for (const file of ruleFiles) {
  const stem = file.replace(/\.promo$/, "");
  const mine = carts.filter((c) => c.startsWith(`${stem}-`));
  await step(["compile", `examples/${file}`, "-o", `build/${stem}.mjs`]);
  const bundle = await import(pathToFileURL(join(root, "build", `${stem}.mjs`)).href);
  const { project } = checkProject([`examples/${file}`], { ...diskHost, readFile: (p) => diskHost.readFile(join(root, p)) });
  const explain = explanation(project);
  for (const cartFile of mine) {
    const cart = JSON.parse(readFileSync(join(root, "examples", "carts", cartFile), "utf8"));
    const result = bundle.evaluate(cart);
    const normalized = bundle.validate(cart).cart;
    console.log(s.bold(`\n— examples/carts/${cartFile}, priced by build/${stem}.mjs —\n`));
    process.stdout.write(renderReport(result, normalized, cartFile, s, explain));
  }
}
