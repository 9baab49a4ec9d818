import { lowerAttribution } from "../lower/attribution.js";
import type { LoweredProgram } from "../lower/lower.js";
import { _, lines, type Code, type Name } from "./code.js";

/** The module names the attribution export takes. */
export const ATTRIBUTION_NAMES = ["attribute", "attributionRules"] as const;

/**
 * The bundle's `attribute(order, journey, options)`: the runtime evaluator with this project's attribution rules.
 * The rules (user text: goods and webmaster ids, rule sources) enter only as one escaped JSON string literal.
 * Without an `attribution` declaration the export answers with an error at path `rules`.
 */
export function attributionExport(program: LoweredProgram, attributeWithRules: Name): Code {
  const rules = lowerAttribution(program.project);
  return lines([
    rules === undefined ? _`const attributionRules = null;` : _`const attributionRules = Object.freeze(JSON.parse(${JSON.stringify(rules)}));`,
    _`/** Affiliate attribution of a paid order (docs/language.md, Affiliate attribution); errors name JSON paths. */`,
    _`export function attribute(order, journey, options) {`,
    _`  if (attributionRules === null) return { ok: false, errors: [{ path: "rules", message: "the rule files declare no attribution" }], lines: [], steps: 0 };`,
    _`  return ${attributeWithRules}(attributionRules, order, journey, options);`,
    _`}`,
  ]);
}
