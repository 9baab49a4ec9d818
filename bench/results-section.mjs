/**
 * Replaces one script's section of bench/results.md, between `<!-- bench/<script> -->` and `<!-- end -->`, or
 * appends it. bench/performance.mjs rewrites the file's head and keeps every such marked section, so a script that
 * writes through here keeps its figures across a full `npm run bench`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const resultsPath = join(dirname(fileURLToPath(import.meta.url)), "results.md");

export function writeResultsSection(script, markdown) {
  const section = `\n<!-- bench/${script} -->\n${markdown.trim()}\n<!-- end -->\n`;
  const previous = readFileSync(resultsPath, "utf8");
  const escaped = script.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const marker = new RegExp(`\\n<!-- bench/${escaped} -->[\\s\\S]*?<!-- end -->\\n`);
  writeFileSync(resultsPath, marker.test(previous) ? previous.replace(marker, () => section) : previous + section);
}
