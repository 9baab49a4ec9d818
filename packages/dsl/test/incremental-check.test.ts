import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DeclarationMemo } from "../src/checker/declaration-memo.js";
import type { CheckedProject } from "../src/checker/checker.js";
import type { Diagnostic } from "../src/diagnostics/diagnostic.js";
import { reparse } from "../src/parser/incremental.js";
import { parseSource, type ParseResult } from "../src/parser/parse.js";
import { checkProject } from "../src/pipeline/frontend.js";
import { memoryHost } from "../src/project/host.js";
import { prng } from "../../../test/helpers/prng.js";

/**
 * The incremental check (a memo of the last check, replaying untouched declarations) must give exactly what a
 * full check of the new text gives: the same diagnostics (codes, messages, spans, order), the same side tables
 * and the same checked promotions. The work it saves is counted (declarations checked), never timed.
 */

/** A project being edited the way the language server edits it: incremental re-parses and one memo. */
class EditedProject {
  readonly memo = new DeclarationMemo();
  private parsed = new Map<string, ParseResult>();
  last: { project: CheckedProject; diagnostics: Diagnostic[] } | undefined;

  constructor(
    private readonly root: string,
    readonly files: Record<string, string>,
  ) {}

  /** Sets a file's text and checks incrementally; returns the result beside a full check of the same texts. */
  edit(
    path: string,
    text: string,
  ): { incremental: { project: CheckedProject; diagnostics: Diagnostic[] }; full: { project: CheckedProject; diagnostics: Diagnostic[] } } {
    this.files[path] = text;
    const previous = this.parsed.get(path);
    this.parsed.set(path, previous ? reparse(previous, text) : parseSource(path, text));
    for (const [p, t] of Object.entries(this.files)) if (!this.parsed.has(p)) this.parsed.set(p, parseSource(p, t));
    const host = memoryHost(this.files);
    const incremental = checkProject([this.root], host, {}, this.parsed, this.memo);
    const fresh = new Map(Object.entries(this.files).map(([p, t]) => [p, parseSource(p, t)]));
    const full = checkProject([this.root], host, {}, fresh);
    this.last = incremental;
    return { incremental, full };
  }
}

/** Every node id of the project's ASTs, by where the node is: node ids differ between two parses, places do not. */
function places(project: CheckedProject): Map<number, string> {
  const out = new Map<number, string>();
  for (const file of project.files) {
    const stack: unknown[] = [file.parsed.ast];
    while (stack.length > 0) {
      const value = stack.pop();
      if (Array.isArray(value)) {
        stack.push(...(value as unknown[]));
        continue;
      }
      if (typeof value !== "object" || value === null) continue;
      const node = value as { id?: unknown; kind?: unknown; span?: { start: number; end: number } };
      if (typeof node.id === "number" && node.span && !out.has(node.id)) {
        out.set(node.id, `${file.parsed.source.path}:${node.span.start}-${node.span.end}:${String(node.kind)}`);
      }
      for (const [key, child] of Object.entries(value)) if (key !== "span" && key !== "opSpan") stack.push(child);
    }
  }
  return out;
}

/** The checked project with node ids replaced by places and files by path, for comparing two checks. */
function comparable(result: { project: CheckedProject; diagnostics: Diagnostic[] }): unknown {
  const { project } = result;
  const where = places(project);
  const texts = new Map(project.files.map((f) => [f.parsed.source.path, f.parsed.source.text]));
  const describe = (value: unknown): unknown => {
    if (typeof value !== "object" || value === null) return value;
    const symbol = value as { kind: string; name?: string; decl?: { id: number }; file?: { path: string; text: string } };
    if (symbol.decl && symbol.file) {
      // A replayed reference must point at the symbol of this check, whose file is the current text.
      return { kind: symbol.kind, name: symbol.name, decl: where.get(symbol.decl.id), current: texts.get(symbol.file.path) === symbol.file.text };
    }
    return value;
  };
  const tables = Object.entries(project.tables).map(([name, table]) =>
    [...(table as ReadonlyMap<number, unknown>)].map(([id, value]) => `${name} ${where.get(id) ?? "?"} ${JSON.stringify(describe(value))}`).sort(),
  );
  const promotions = project.promotions.map((p) => ({
    ...p,
    decl: where.get(p.decl.id),
    file: { path: p.file.path, current: texts.get(p.file.path) === p.file.text },
    condition: p.condition && where.get(p.condition.id),
    benefit: p.benefit && where.get(p.benefit.id),
    limits: p.limits.map((l) => where.get(l.id)),
  }));
  return { diagnostics: result.diagnostics, tables, promotions, selection: project.selection };
}

const examples = join(import.meta.dirname, "..", "..", "..", "examples");
const exampleFiles = readdirSync(examples).filter((f) => f.endsWith(".promo"));

const INSERTIONS = ["1", " ", "\n", "x", "-", "9.99 USD", '"', "}", "{", "# note\n", "and", "USD", "EUR", "scope", "\n\n"];
const PREDICATES = ['line.sku is "Z"', "line.quantity at least 2", "line.sku exceeds 5", "subtotal exceeds 10.00 USD", 'line.tags contains "new"'];

/** One random edit of the kinds an editor makes; returns the new text. */
function randomEdit(text: string, random: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const choice = random();
  if (choice < 0.45) {
    // Type or delete a few characters anywhere.
    const at = Math.floor(random() * (text.length + 1));
    const remove = random() < 0.5 ? Math.floor(random() * 6) : 0;
    const insert = random() < 0.7 ? pick(INSERTIONS) : "";
    return text.slice(0, at) + insert + text.slice(at + remove);
  }
  if (choice < 0.6) {
    // Change what a scope selects.
    const scopes = [...text.matchAll(/^scope ([a-z0-9-]+) = (.*)$/gm)];
    if (scopes.length === 0) return text + `\nscope extra = ${pick(PREDICATES)}\n`;
    const scope = pick(scopes);
    const start = scope.index + scope[0].length - scope[2]!.length;
    return text.slice(0, start) + pick(PREDICATES) + text.slice(start + scope[2]!.length);
  }
  if (choice < 0.8) {
    // Rename a declaration (its uses keep the old name, so they become unknown) or rename it back.
    const names = [...text.matchAll(/^(scope|window|group|promotion) ([a-z0-9-]+)/gm)];
    if (names.length === 0) return text;
    const name = pick(names);
    const at = name.index + name[1]!.length + 1;
    const old = name[2]!;
    const renamed = old.endsWith("-x") ? old.slice(0, -2) : `${old}-x`;
    return text.slice(0, at) + renamed + text.slice(at + old.length);
  }
  if (choice < 0.9) {
    // Delete a whole line.
    const lines = text.split("\n");
    lines.splice(Math.floor(random() * lines.length), 1);
    return lines.join("\n");
  }
  // Add a promotion that reads scopes, windows and groups by name.
  const scope = /^scope ([a-z0-9-]+)/m.exec(text)?.[1] ?? "nowhere";
  return `${text}\npromotion added-${Math.floor(random() * 1000)} {\n  title "added"\n  kind automatic\n  give 10% off ${scope}\n}\n`;
}

describe("incremental check", () => {
  it.each(exampleFiles)(
    "%s: 80 random edits give what a full check gives",
    (name) => {
      const random = prng(name.length * 104729);
      const path = `/project/${name}`;
      const project = new EditedProject(path, { [path]: readFileSync(join(examples, name), "utf8") });
      let valid = project.files[path]!;
      project.edit(path, valid);
      let replaying = 0;
      for (let i = 0; i < 80; i++) {
        const text = randomEdit(project.files[path]!, random);
        const { incremental, full } = project.edit(path, text);
        expect(comparable(incremental), `edit ${i}`).toEqual(comparable(full));
        if (incremental.project.incremental!.reused > 0) replaying++;
        // A syntax error is mostly fixed by the next edit (back to the last text that parsed), as typing does.
        if (!full.diagnostics.some((d) => d.code === "syntax-error")) valid = text;
        else if (random() < 0.7) {
          const fixed = project.edit(path, valid);
          expect(comparable(fixed.incremental), `fix after edit ${i}`).toEqual(comparable(fixed.full));
        }
      }
      // The comparisons are only worth something if declarations were in fact replayed, on many of the edits.
      expect(replaying).toBeGreaterThanOrEqual(20);
    },
    300_000,
  );

  it("edits in either file of a two-file project give what a full check gives", () => {
    const random = prng(4242);
    const lib = readFileSync(join(examples, "coupon-policy.promo"), "utf8").replace(/^promotion[\s\S]*?^}\n/gm, "");
    const main = `import "./lib.promo"\n${readFileSync(join(examples, "welcome-deal.promo"), "utf8").replace(/^currency .*$/m, "currency USD")}`;
    const project = new EditedProject("/p/main.promo", { "/p/main.promo": main, "/p/lib.promo": lib });
    project.edit("/p/main.promo", main);
    let replaying = 0;
    for (let i = 0; i < 80; i++) {
      const path = random() < 0.5 ? "/p/main.promo" : "/p/lib.promo";
      const { incremental, full } = project.edit(path, randomEdit(project.files[path]!, random));
      expect(comparable(incremental), `edit ${i} in ${path}`).toEqual(comparable(full));
      if (incremental.project.incremental!.reused > 0) replaying++;
    }
    expect(replaying).toBeGreaterThanOrEqual(20);
  }, 300_000);
});

describe("incremental check: work saved, counted", () => {
  /** A large file: scopes and windows used by hundreds of promotions, a group and a stacking rule. */
  function largeFile(promotions: number): string {
    const parts = [
      "currency USD",
      "",
      'scope toys = line.category is "toys"',
      'scope phones = line.category is "phones"',
      "window sale = from 2026-11-10 00:00:00 to 2026-11-12 23:59:59 in UTC",
      "",
    ];
    for (let i = 0; i < promotions; i++) {
      const scope = i % 10 === 0 ? "phones" : "toys";
      const valid = i % 25 === 0 ? "  valid sale\n" : "";
      parts.push(
        `promotion p${i} {\n  title "Promotion ${i}"\n  kind automatic\n${valid}  when subtotal exceeds ${10 + (i % 7)}.00 USD\n  give 5% off ${scope}\n}\n`,
      );
    }
    parts.push("group firsts = [p0, p1]", "", "stacking {\n  at most 1 of firsts per order\n}", "");
    return parts.join("\n");
  }

  const checkedPromotions = (project: CheckedProject) => project.incremental!.checkedKinds.filter((k) => k === "Promotion").length;

  function opened(promotions: number) {
    const path = "/big.promo";
    const project = new EditedProject(path, { [path]: largeFile(promotions) });
    const first = project.edit(path, project.files[path]!);
    // The first check has nothing to reuse.
    expect(first.incremental.project.incremental!.reused).toBe(0);
    return { project, path };
  }

  it("an edit inside one promotion of 400 checks that promotion only", () => {
    const { project, path } = opened(400);
    const text = project.files[path]!.replace('title "Promotion 200"', 'title "Promotion 200!"');
    const { incremental, full } = project.edit(path, text);
    expect(comparable(incremental)).toEqual(comparable(full));
    // The stacking declaration is always checked (it is not replayed); every other declaration is replayed.
    expect(incremental.project.incremental!.checkedKinds).toEqual(["Promotion", "Stacking"]);
    expect(incremental.project.incremental!.reused).toBe(400 - 1 + 3 + 1);
  });

  it("an edit before every declaration moves their diagnostics without checking them again", () => {
    const { project, path } = opened(400);
    const text = `# a comment\n\n${project.files[path]!.replace("p3 {", "p3 {\n  priority -1")}`;
    project.edit(path, text);
    const { incremental, full } = project.edit(path, `\n${text}`);
    expect(full.diagnostics.length).toBeGreaterThan(0);
    expect(comparable(incremental)).toEqual(comparable(full));
    expect(incremental.project.incremental!.checkedKinds).toEqual(["Stacking"]);
  });

  it("an edit to a scope checks the scope and the promotions that use it", () => {
    const { project, path } = opened(400);
    const text = project.files[path]!.replace('scope phones = line.category is "phones"', 'scope phones = line.category is "mobiles"');
    const { incremental, full } = project.edit(path, text);
    expect(comparable(incremental)).toEqual(comparable(full));
    const kinds = incremental.project.incremental!.checkedKinds;
    expect(kinds.filter((k) => k === "Scope")).toHaveLength(1);
    expect(checkedPromotions(incremental.project)).toBe(40); // p0, p10, ..., p390 use `phones`
  });

  it("renaming a window checks the promotions that named it, which now report it unknown", () => {
    const { project, path } = opened(400);
    const text = project.files[path]!.replace("window sale =", "window sales =");
    const { incremental, full } = project.edit(path, text);
    expect(comparable(incremental)).toEqual(comparable(full));
    expect(full.diagnostics.filter((d) => d.code === "unknown-name")).toHaveLength(16);
    expect(checkedPromotions(incremental.project)).toBe(16); // p0, p25, ..., p375 are `valid sale`
    // Renaming it back: the same sixteen, whose unknown-name reports listed the windows for suggestions.
    const back = project.edit(path, text.replace("window sales =", "window sale ="));
    expect(comparable(back.incremental)).toEqual(comparable(back.full));
    expect(checkedPromotions(back.incremental.project)).toBe(16);
  });

  it("renaming a promotion checks it and the group that lists it", () => {
    const { project, path } = opened(400);
    const text = project.files[path]!.replace("promotion p1 {", "promotion p1b {");
    const { incremental, full } = project.edit(path, text);
    expect(comparable(incremental)).toEqual(comparable(full));
    expect(incremental.project.incremental!.checkedKinds.sort()).toEqual(["Group", "Promotion", "Stacking"]);
  });

  it("a new group named like a promotion checks the selectors that resolved that name to the promotion", () => {
    const { project, path } = opened(100);
    const text = `${project.files[path]!}\ngroup p1 = [p2]\n`;
    const { incremental, full } = project.edit(path, text);
    expect(comparable(incremental)).toEqual(comparable(full));
    // `firsts` lists p1, which now resolves to the group; the promotions themselves read no group.
    expect(incremental.project.incremental!.checkedKinds.sort()).toEqual(["Group", "Group", "Stacking"]);
  });

  it("a new scope changes the suggestions for an unknown scope elsewhere, so that promotion is checked again", () => {
    const { project, path } = opened(100);
    const text = project.files[path]!.replace("give 5% off phones", "give 5% off toyz");
    project.edit(path, text);
    const { incremental, full } = project.edit(path, `${text}\nscope toyx = line.sku is "X"\n`);
    expect(comparable(incremental)).toEqual(comparable(full));
    const unknown = full.diagnostics.filter((d) => d.code === "unknown-name");
    expect(unknown.length).toBeGreaterThan(0);
    expect(JSON.stringify(unknown)).toContain("toyx");
    expect(incremental.project.incremental!.checkedKinds.filter((k) => k === "Promotion").length).toBe(unknown.length);
  });

  it("a syntax error checks the file in full, and so does the edit that fixes it; the next edit is incremental", () => {
    const { project, path } = opened(100);
    const text = project.files[path]!;
    const broken = project.edit(path, text.replace('title "Promotion 50"', 'title "Promotion 50" {'));
    expect(comparable(broken.incremental)).toEqual(comparable(broken.full));
    const fixed = project.edit(path, text);
    expect(comparable(fixed.incremental)).toEqual(comparable(fixed.full));
    const next = project.edit(path, text.replace('title "Promotion 60"', 'title "Promotion 60!"'));
    expect(comparable(next.incremental)).toEqual(comparable(next.full));
    expect(checkedPromotions(next.incremental.project)).toBe(1);
  });
});
