import { describe, expect, it } from "vitest";
import { checkSource } from "../packages/dsl/src/pipeline/frontend.js";

/**
 * Names written in rule files that are also names of Object.prototype members (`constructor`, `toString`,
 * `__proto__`, …) are ordinary unknown names to the checker, never a built-in record or type found through the
 * prototype chain. (Found by the hostile-input tests: `when constructor` was called a record with a field
 * `undefined`.)
 */
const promotion = (when: string) => `currency USD

promotion p {
  title "p"
  kind automatic
  when ${when}
  give 1.00 USD off order
}
`;

function diagnostics(text: string): string[] {
  return checkSource("/p.promo", text).diagnostics.map((d) => `${d.code}: ${d.message}`);
}

describe("prototype member names in rule files", () => {
  it.each(["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"])("`when %s` is an unknown name", (name) => {
    expect(diagnostics(promotion(name))).toEqual([`unknown-name: unknown name '${name}'`]);
  });

  it.each(["constructor", "toString", "__proto__"])("`%s.x` is an unknown name, not a record without field x", (name) => {
    const found = diagnostics(promotion(`${name}.x is 1`));
    expect(found[0]).toMatch(new RegExp(`^unknown-name: unknown name '${name}'`));
  });

  it.each(["constructor", "toString", "__proto__"])("`set of %s` is an unknown type", (name) => {
    expect(diagnostics(`attribute line.x: set of ${name}\n`)).toEqual([`unknown-name: unknown type '${name}'`]);
  });
});
