import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { packJson, unpackJson } from "../src/index.js";

describe("packed JSON", () => {
  it("gives back an equal value for any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const packed = JSON.parse(JSON.stringify(packJson(value)));
        expect(unpackJson(packed)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 500 },
    );
  });

  it("writes each object shape once and a repeated string once, where a reference is shorter", () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({ id: `p${i}`, source: { file: "some/long/rules.promo", line: i } }));
    const packed = packJson(rows);
    expect(packed.shapes).toEqual([
      ["id", "source"],
      ["file", "line"],
    ]);
    expect(packed.strings).toEqual(["some/long/rules.promo"]);
    // Short strings ("p1") stay inline: a reference would be longer.
    expect(JSON.stringify(packed.value)).not.toContain("some/long");
    expect(JSON.stringify(packed).length).toBeLessThan(JSON.stringify(rows).length / 2);
  });

  it("keeps a __proto__ key as an own property, never as a prototype", () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "a": [{"__proto__": 1}]}');
    const back = unpackJson(JSON.parse(JSON.stringify(packJson(value)))) as Record<string, unknown>;
    expect(Object.hasOwn(back, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(JSON.stringify(back)).toBe(JSON.stringify(value));
  });

  it("refuses an object that names a shape the data does not have", () => {
    expect(() => unpackJson({ packed: 1, shapes: [], strings: [], value: [3, "x"] })).toThrow(/no object shape 3/);
  });
});
