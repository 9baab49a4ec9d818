import { describe, expect, it } from "vitest";
import { check, CHECK_STAGES } from "../../src/checker/checker.js";
import { checkFiles } from "../../src/pipeline/frontend.js";
import { memoryHost } from "../../src/project/host.js";
import { parseSource } from "../../src/parser/parse.js";

describe("the checker's stages", () => {
  it("have distinct names", () => {
    const names = CHECK_STAGES.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("are each timed once, in order", () => {
    const project = check([parseSource("p.promo", "currency USD\n")]);
    expect(project.timings.map((t) => t.stage)).toEqual(CHECK_STAGES.map((s) => s.name));
    for (const t of project.timings) expect(t.ms).toBeGreaterThanOrEqual(0);
  });

  it("appear in the front end's timings as check:<name>, after read and parse", () => {
    const result = checkFiles(["p.promo"], memoryHost({ "p.promo": "currency USD\n" }));
    const stages = result.timings.map((t) => t.stage);
    expect(stages.filter((s) => s.startsWith("check:"))).toEqual(CHECK_STAGES.map((s) => `check:${s.name}`));
    expect(stages.slice(0, 2)).toEqual(["read", "parse"]);
  });
});
