/**
 * The main job on the bundled examples: check every rule file, verify it is canonically formatted, and explain
 * each promotion as the compiler understands it (kind, trigger, validity resolved to UTC instants, condition,
 * benefit, stacking). Pricing sample carts joins this job with the compiler and runtime.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { checkFiles, diskHost, runCli } from "../packages/dsl/dist/index.js";

const root = new URL("..", import.meta.url).pathname;
const examples = join(root, "examples");
const io = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), isTTY: Boolean(process.stdout.isTTY), cwd: root };

console.log("$ promo check examples/");
const checked = await runCli(["check", "examples"], io);
console.log("\n$ promo fmt --check examples/");
const formatted = await runCli(["fmt", "--check", "examples"], io);
if (checked !== 0 || formatted !== 0) process.exit(1);

const files = readdirSync(examples).filter((f) => f.endsWith(".promo")).sort().map((f) => join("examples", f));
const { projects } = checkFiles(files.map((f) => join(root, f)), diskHost);
const instant = (ms) => new Date(ms).toISOString().replace(".000Z", "Z").replace(".999Z", ".999Z");
const clauseText = (p, kind) => {
  const clause = p.decl.clauses.find((c) => c.kind === kind);
  return clause ? p.file.text.slice(clause.span.start, clause.span.end).replace(/\s+/g, " ") : undefined;
};

for (const [i, project] of projects.entries()) {
  const file = project.files[0].parsed;
  console.log(`\n${files[i]} (${project.files[0].currency}): ${project.promotions.length} promotions, ${project.examples.length} examples, selection ${project.selection}`);
  for (const p of project.promotions) {
    console.log(`  ${p.id} — ${p.title}`);
    console.log(`    kind ${p.kind}; ${p.code ? `code "${p.code}" (case-insensitive)` : "no code: applies automatically"}${p.priority !== undefined ? `; priority ${p.priority}` : ""}`);
    if (p.valid) console.log(`    valid ${instant(p.valid.startMs)} … ${instant(p.valid.endMs)} (${p.valid.zone}, end inclusive)`);
    if (p.collect) console.log(`    collected ${instant(p.collect.startMs)} … ${instant(p.collect.endMs)}`);
    if (p.expires) console.log(`    expires ${p.expires.amount} ${p.expires.unit} after activation`);
    if (p.locked) console.log(`    locked ${p.locked.amount} ${p.locked.unit} after a failed payment`);
    if (!p.transferable) console.log("    only for the coupon's owner");
    const when = clauseText(p, "When");
    if (when) console.log(`    ${when}`);
    console.log(`    ${clauseText(p, "Give")}`);
    if (p.exclusiveWith) console.log(`    exclusive with ${p.exclusiveWith.join(", ")}`);
  }
  for (const { rule } of project.stacking) console.log(`  stacking: ${file.source.text.slice(rule.span.start, rule.span.end)}`);
  if (project.earn) console.log(`  ${file.source.text.slice(project.earn.decl.span.start, project.earn.decl.span.end)}`);
}
