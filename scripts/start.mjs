/**
 * The main job on the bundled examples, told briefly for whoever writes promotions: check and format-check the
 * rule files, run their examples (one line per file), compile each rule file into a bundle (build/<name>.mjs), then
 * price the sample carts in examples/carts/ with those bundles and print the explained results.
 */
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { checkProject, diskHost } from "../packages/dsl/dist/index.js";
import { runCli } from "../packages/cli/dist/main.js";
import { explanation, renderReport } from "../packages/cli/dist/eval.js";
import { plural, styles } from "../packages/cli/dist/rules.js";

const root = new URL("..", import.meta.url).pathname;
const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const s = styles(color);

/** Runs `promo <args> --json` and returns the parsed document; on a non-zero exit, shows the human output and stops. */
async function promo(args) {
  let out = "";
  const code = await runCli([...args, "--json"], { stdout: (t) => (out += t), stderr: (t) => process.stderr.write(t), isTTY: false, cwd: root });
  if (code !== 0) {
    console.log(s.bold(`\n$ promo ${args.join(" ")}`));
    process.exit(await runCli(args, { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), isTTY: color, cwd: root }));
  }
  return JSON.parse(out);
}

const ruleFiles = readdirSync(join(root, "examples"))
  .filter((f) => f.endsWith(".promo"))
  .sort();
const diagnostics = await promo(["check", "examples"]);
await promo(["fmt", "--check", "examples"]);
const warnings = diagnostics.length === 0 ? "no problems" : plural(diagnostics.length, "warning");
console.log(`${s.bold("Rules")}: ${plural(ruleFiles.length, "file")} in examples/, ${warnings}, all formatted.`);

const report = await promo(["test", "examples"]);
console.log(`\n${s.bold("Examples")} (each run by the interpreter and by the compiled bundle):`);
const byFile = new Map();
for (const example of report.examples) byFile.set(example.file, [...(byFile.get(example.file) ?? []), example]);
const width = Math.max(...[...byFile.keys()].map((f) => f.length));
for (const [file, examples] of byFile) {
  const failed = examples.filter((e) => !e.passed).length;
  const verdict = failed === 0 ? s.pass(`all ${plural(examples.length, "example")} pass`) : s.fail(`${failed} of ${examples.length} fail`);
  console.log(`  ${file.padEnd(width)}  ${verdict}`);
}

const carts = readdirSync(join(root, "examples", "carts"))
  .filter((f) => f.endsWith(".json"))
  .sort();
mkdirSync(join(root, "build"), { recursive: true });
console.log(`\n${s.bold("Bundles")}:`);
const bundles = [];
for (const file of ruleFiles) {
  const stem = file.replace(/\.promo$/, "");
  const compiled = await promo(["compile", `examples/${file}`, "-o", `build/${stem}.mjs`]);
  console.log(
    `  ${`build/${stem}.mjs`.padEnd(width - "examples/".length + "build/".length - ".promo".length + ".mjs".length)}  ${plural(compiled.promotions, "promotion")}, ${Math.round(compiled.bundleBytes / 1024)} kB`,
  );
  bundles.push({ file, stem });
}

for (const { file, stem } of bundles) {
  const mine = carts.filter((c) => c.startsWith(`${stem}-`));
  if (mine.length === 0) continue;
  const bundle = await import(pathToFileURL(join(root, "build", `${stem}.mjs`)).href);
  const { project } = checkProject([`examples/${file}`], { ...diskHost, readFile: (p) => diskHost.readFile(join(root, p)) });
  const explain = explanation(project);
  for (const cartFile of mine) {
    const cart = JSON.parse(readFileSync(join(root, "examples", "carts", cartFile), "utf8"));
    const result = bundle.evaluate(cart);
    const normalized = bundle.validate(cart).cart;
    console.log(s.bold(`\n— examples/carts/${cartFile}, priced with the rules of examples/${file} —\n`));
    process.stdout.write(renderReport(result, normalized, cartFile, s, explain, cart));
  }
}
