/**
 * The VS Code extension's static parts (editors/vscode): the TextMate grammar parses, every regex compiles, and a
 * small line tokenizer over its patterns gives the expected scopes on sample lines; the language configuration and
 * the extension manifest say what the editor needs. No vscode-textmate: the tokenizer below follows TextMate's
 * rule (at each point the pattern matching earliest wins, the first listed on a tie; begin/end rules scan their
 * inner patterns and their end on the same line).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const EXTENSION = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "editors", "vscode");
const read = (file: string): unknown => JSON.parse(readFileSync(join(EXTENSION, file), "utf8"));

interface Rule {
  name?: string;
  match?: string;
  begin?: string;
  end?: string;
  include?: string;
  captures?: Record<string, { name: string }>;
  beginCaptures?: Record<string, { name: string }>;
  endCaptures?: Record<string, { name: string }>;
  patterns?: Rule[];
}
interface Grammar {
  scopeName: string;
  patterns: Rule[];
  repository: Record<string, Rule>;
}

const grammar = read("syntaxes/promo.tmLanguage.json") as Grammar;

/** Every rule of the grammar, includes resolved. */
function allRules(): Rule[] {
  const out: Rule[] = [];
  const visit = (rule: Rule) => {
    out.push(rule);
    for (const inner of rule.patterns ?? []) visit(inner);
  };
  for (const rule of grammar.patterns) visit(rule);
  for (const rule of Object.values(grammar.repository)) visit(rule);
  return out;
}

/** The patterns a list stands for, with `#name` includes expanded (depth first, in order). */
function expand(rules: Rule[]): Rule[] {
  return rules.flatMap((rule) => {
    if (rule.include) {
      const target = grammar.repository[rule.include.slice(1)];
      if (!target) throw new Error(`unknown include ${rule.include}`);
      return expand([target]);
    }
    if (!rule.match && !rule.begin && rule.patterns) return expand(rule.patterns);
    return [rule];
  });
}

interface Token {
  start: number;
  end: number;
  scopes: string[];
}

const regexCache = new Map<string, RegExp>();
function regex(source: string): RegExp {
  let re = regexCache.get(source);
  if (!re) {
    re = new RegExp(source, "gd");
    regexCache.set(source, re);
  }
  return re;
}

function earliest(rules: Rule[], line: string, from: number): { rule: Rule; match: RegExpExecArray } | undefined {
  let best: { rule: Rule; match: RegExpExecArray } | undefined;
  for (const rule of rules) {
    const re = regex((rule.match ?? rule.begin)!);
    re.lastIndex = from;
    const match = re.exec(line);
    if (match && (!best || match.index < best.match.index)) best = { rule, match };
  }
  return best;
}

/** Tokens for the whole match and each named capture of a match. */
function emit(
  tokens: Token[],
  match: RegExpExecArray,
  outer: string[],
  name: string | undefined,
  captures: Record<string, { name: string }> | undefined,
): void {
  const scopes = name ? [...outer, name] : outer;
  tokens.push({ start: match.index, end: match.index + match[0].length, scopes });
  for (const [group, capture] of Object.entries(captures ?? {})) {
    const at = match.indices?.[Number(group)];
    if (at) tokens.push({ start: at[0], end: at[1], scopes: [...scopes, capture.name] });
  }
}

function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  const top = expand(grammar.patterns);
  let pos = 0;
  while (pos < line.length) {
    const found = earliest(top, line, pos);
    if (!found) break;
    const { rule, match } = found;
    if (rule.match !== undefined) {
      emit(tokens, match, [], rule.name, rule.captures);
      pos = match.index + Math.max(1, match[0].length);
      continue;
    }
    // A begin/end rule: its scope runs to the end match (or the end of the line).
    const outer = rule.name ? [rule.name] : [];
    emit(tokens, match, [], rule.name, rule.beginCaptures);
    const start = match.index;
    let at = match.index + match[0].length;
    const inner = expand(rule.patterns ?? []);
    for (;;) {
      const end = regex(rule.end!);
      end.lastIndex = at;
      const endMatch = end.exec(line);
      const next = earliest(inner, line, at);
      if (next && (!endMatch || next.match.index < endMatch.index)) {
        emit(tokens, next.match, outer, next.rule.name, next.rule.captures);
        at = next.match.index + Math.max(1, next.match[0].length);
        continue;
      }
      const stop = endMatch ? endMatch.index + endMatch[0].length : line.length;
      if (endMatch) emit(tokens, endMatch, outer, undefined, rule.endCaptures);
      tokens.push({ start, end: stop, scopes: outer });
      pos = Math.max(stop, at);
      break;
    }
  }
  return tokens;
}

/** The scopes on the first character of `needle` (its `occurrence`-th appearance) in `line`. */
function scopesAt(line: string, needle: string, occurrence = 0): string[] {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) at = line.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`${needle} not in ${line}`);
  const scopes = new Set<string>();
  for (const t of tokenize(line)) if (t.start <= at && at < t.end) for (const s of t.scopes) scopes.add(s);
  return [...scopes];
}

/** Whether the whole of `needle` is covered by one token that has `scope`. */
function covers(line: string, needle: string, scope: string): boolean {
  const at = line.indexOf(needle);
  return tokenize(line).some((t) => t.start <= at && at + needle.length <= t.end && t.scopes.includes(scope));
}

describe("the TextMate grammar (editors/vscode/syntaxes/promo.tmLanguage.json)", () => {
  it("parses, names its scope, and every include resolves", () => {
    expect(grammar.scopeName).toBe("source.promo");
    expect(() => expand(grammar.patterns)).not.toThrow();
    for (const rule of allRules()) if (rule.include) expect(grammar.repository[rule.include.slice(1)], rule.include).toBeDefined();
  });

  it("every regex compiles (and avoids syntax JavaScript and Oniguruma read differently)", () => {
    const sources = allRules().flatMap((r) => [r.match, r.begin, r.end].filter((s): s is string => s !== undefined));
    expect(sources.length).toBeGreaterThan(20);
    for (const source of sources) {
      expect(() => new RegExp(source), source).not.toThrow();
      // \h, \H, \A, \z, \Z and possessive quantifiers mean something else (or nothing) in JavaScript.
      expect(source, source).not.toMatch(/\\[hHAzZG]|[+*?]\+/);
    }
  });

  it("comments", () => {
    expect(scopesAt("# 11.11 sale rules", "#")).toContain("comment.line.number-sign.promo");
    const line = 'currency USD # a comment after code, with "quotes" and 25.00 USD';
    expect(scopesAt(line, "USD")).toContain("support.constant.currency.promo");
    expect(covers(line, '# a comment after code, with "quotes" and 25.00 USD', "comment.line.number-sign.promo")).toBe(true);
    expect(scopesAt(line, "quotes")).not.toContain("string.quoted.double.promo");
  });

  it("strings with escapes, and an unterminated string stops at the end of the line", () => {
    const line = '  title "The \\"10% off\\" deal \\u2014 once per order # not a comment"';
    expect(scopesAt(line, "title")).toContain("keyword.other.clause.promo");
    expect(covers(line, '"The \\"10% off\\" deal \\u2014 once per order # not a comment"', "string.quoted.double.promo")).toBe(true);
    expect(scopesAt(line, '\\"')).toContain("constant.character.escape.promo");
    expect(scopesAt(line, "\\u2014")).toContain("constant.character.escape.promo");
    expect(scopesAt(line, "10%")).not.toContain("constant.numeric.percentage.promo");
    expect(scopesAt(line, "# not")).not.toContain("comment.line.number-sign.promo");
    expect(scopesAt('  title "bad \\q escape"', "\\q")).toContain("invalid.illegal.escape.promo");
    const open = '  title "unterminated';
    expect(scopesAt(open, "unterminated")).toContain("string.quoted.double.promo");
  });

  it("keywords, declarations and promotion ids", () => {
    const line = "promotion ae-coupon-5-off-25 {";
    expect(scopesAt(line, "promotion")).toContain("storage.type.promotion.promo");
    expect(covers(line, "ae-coupon-5-off-25", "entity.name.function.promotion.promo")).toBe(true);
    // A name that starts with a keyword is one name.
    const free = "promotion free-shipping-fr-30 {";
    expect(covers(free, "free-shipping-fr-30", "entity.name.function.promotion.promo")).toBe(true);
    expect(scopesAt(free, "shipping")).not.toContain("keyword.other.promo");
    expect(scopesAt("  exclusive with free-shipping-fr-30", "free")).toContain("variable.other.name.promo");
    expect(scopesAt("  exclusive with free-shipping-fr-30", "exclusive")).toContain("keyword.other.clause.promo");
    expect(scopesAt('scope acme = line.store is "acme"', "scope")).toContain("storage.type.promo");
    expect(covers('scope acme = line.store is "acme"', "acme", "entity.name.type.promo")).toBe(true);
    expect(scopesAt('scope acme = line.store is "acme"', " is ")).toEqual([]);
    expect(scopesAt('scope acme = line.store is "acme"', "is ")).toContain("keyword.operator.word.promo");
    expect(scopesAt("  give 3.00 USD off order", "off")).toContain("keyword.other.promo");
    expect(scopesAt("  give 3.00 USD off order", "order")).toContain("keyword.other.promo");
    expect(scopesAt("  when customer.firstOrder and true", "and")).toContain("keyword.operator.word.promo");
    expect(scopesAt("  when customer.firstOrder and true", "true")).toContain("constant.language.promo");
    expect(scopesAt('import "shared/catalog.promo"', "import")).toContain("storage.type.promo");
  });

  it("kinds, after kind and in stacking rules", () => {
    const line = "  kind platform-coupon";
    expect(scopesAt(line, "kind")).toContain("keyword.other.clause.promo");
    expect(covers(line, "platform-coupon", "support.constant.kind.promo")).toBe(true);
    expect(covers("  kind shipping", "shipping", "support.constant.kind.promo")).toBe(true);
    expect(covers("  at most 1 store-coupon per store", "store-coupon", "support.constant.kind.promo")).toBe(true);
  });

  it("date-times, time zones, money, percentages and numbers", () => {
    const window = "  valid from 2026-11-10 05:00:00 to 2026-11-12T04:59 in America/Los_Angeles";
    expect(covers(window, "2026-11-10 05:00:00", "constant.other.datetime.promo")).toBe(true);
    expect(covers(window, "2026-11-12T04:59", "constant.other.datetime.promo")).toBe(true);
    expect(covers(window, "America/Los_Angeles", "constant.other.time-zone.promo")).toBe(true);
    expect(covers("window w = from 2026-11-10 to 2026-11-11 in Etc/GMT+5", "Etc/GMT+5", "constant.other.time-zone.promo")).toBe(true);
    expect(covers("    at: 2026-11-10 12:00:00 in UTC,", "UTC", "constant.other.time-zone.promo")).toBe(true);

    const money = "  when subtotal exceeds 25.00 USD and subtotal of acme at least 500 JPY";
    expect(covers(money, "25.00 USD", "meta.money.promo")).toBe(true);
    expect(covers(money, "25.00", "constant.numeric.decimal.promo")).toBe(true);
    expect(scopesAt(money, "USD")).toContain("support.constant.currency.promo");
    expect(covers(money, "500 JPY", "meta.money.promo")).toBe(true);
    expect(scopesAt(money, "subtotal")).toContain("keyword.other.promo");

    expect(covers("  give 12.5% off order up to 20.00 USD", "12.5%", "constant.numeric.percentage.promo")).toBe(true);
    expect(covers("  limit 3 redemptions per customer per year", "3", "constant.numeric.promo")).toBe(true);
    expect(scopesAt("  limit 3 redemptions per customer per year", "per")).toContain("keyword.other.promo");
    expect(covers("  priority 10", "10", "constant.numeric.promo")).toBe(true);
  });

  it("field paths, regions, record keys and punctuation", () => {
    const line = "  when customer.region in [US, CA] and line.quantity at least 2 and cart.currency is EUR";
    expect(scopesAt(line, "customer")).toContain("variable.language.promo");
    expect(covers(line, ".region", "variable.other.property.promo")).toBe(true);
    // Keywords after a dot are field names.
    expect(covers(line, ".quantity", "variable.other.property.promo")).toBe(true);
    expect(covers(line, ".currency", "variable.other.property.promo")).toBe(true);
    expect(scopesAt(line, "US")).toContain("constant.other.region.promo");
    expect(scopesAt(line, "EUR")).toContain("support.constant.currency.promo");
    expect(scopesAt(line, "[")).toContain("punctuation.section.brackets.begin.promo");
    expect(scopesAt(line, ",")).toContain("punctuation.separator.comma.promo");
    expect(scopesAt("attribute customer.vipTier: int", "customer")).toContain("variable.language.promo");
    expect(covers("attribute customer.vipTier: int", ".vipTier", "variable.other.property.promo")).toBe(true);

    const record = '      { id: "l1", sku: "TOY-1", unitPrice: 8.00 USD, quantity: 2 },';
    expect(scopesAt(record, "id")).toContain("variable.other.key.promo");
    expect(scopesAt(record, "unitPrice")).toContain("variable.other.key.promo");
    expect(scopesAt(record, "quantity")).toContain("variable.other.key.promo");
    expect(scopesAt(record, "{")).toContain("punctuation.section.block.begin.promo");
    expect(covers(record, "8.00 USD", "meta.money.promo")).toBe(true);
    expect(covers(record, '"TOY-1"', "string.quoted.double.promo")).toBe(true);
  });

  it("tokenizes every line of the example rule files without an uncovered word", () => {
    const examples = join(EXTENSION, "..", "..", "examples");
    for (const file of ["aliexpress-11-11.promo", "coins.promo", "coupon-policy.promo", "seller-shop.promo", "welcome-deal.promo"]) {
      const lines = readFileSync(join(examples, file), "utf8").split("\n");
      for (const line of lines) {
        const tokens = tokenize(line);
        // Every character that is not white space has some scope.
        for (let i = 0; i < line.length; i++) {
          if (/\s/.test(line[i]!)) continue;
          expect(
            tokens.some((t) => t.start <= i && i < t.end && t.scopes.length > 0),
            `${file}: no scope for ${JSON.stringify(line[i])} at ${i} in ${JSON.stringify(line)}`,
          ).toBe(true);
        }
      }
    }
  });
});

describe("the language configuration (editors/vscode/language-configuration.json)", () => {
  const config = read("language-configuration.json") as {
    comments: { lineComment: string; blockComment?: unknown };
    brackets: [string, string][];
    autoClosingPairs: { open: string; close: string; notIn?: string[] }[];
    surroundingPairs: [string, string][];
    folding: { markers: { start: string; end: string } };
    indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
    wordPattern: string;
  };

  it("comments with #, and the three bracket pairs", () => {
    expect(config.comments).toEqual({ lineComment: "#" });
    expect(config.brackets).toEqual([
      ["{", "}"],
      ["[", "]"],
      ["(", ")"],
    ]);
    expect(config.surroundingPairs).toContainEqual(['"', '"']);
  });

  it("auto-closes brackets and quotes (not inside strings or comments)", () => {
    const pairs = config.autoClosingPairs.map((p) => `${p.open}${p.close}`);
    expect(pairs).toEqual(["{}", "[]", "()", '""']);
    expect(config.autoClosingPairs.find((p) => p.open === '"')!.notIn).toEqual(["string", "comment"]);
  });

  it("folds blocks and #region comments; indents after an opening bracket", () => {
    const start = new RegExp(config.folding.markers.start);
    const end = new RegExp(config.folding.markers.end);
    expect(start.test("promotion p {")).toBe(true);
    expect(start.test("  cart {  # the cart")).toBe(true);
    expect(start.test("# region coupons")).toBe(true);
    expect(start.test('  title "{"')).toBe(false);
    expect(end.test("}")).toBe(true);
    expect(end.test("  }")).toBe(true);
    expect(end.test("# endregion")).toBe(true);
    const increase = new RegExp(config.indentationRules.increaseIndentPattern);
    const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
    expect(increase.test("stacking {")).toBe(true);
    expect(increase.test("    lines: [")).toBe(true);
    expect(increase.test("  give 3.00 USD off order")).toBe(false);
    expect(decrease.test("  ]")).toBe(true);
    expect(decrease.test("}")).toBe(true);
  });

  it("a word is a whole name such as ae-coupon-5-off-25, or a number", () => {
    const word = new RegExp(`^(?:${config.wordPattern})$`);
    for (const w of ["ae-coupon-5-off-25", "free-shipping-fr-30", "coin_lines", "25.00", "15%"]) expect(word.test(w), w).toBe(true);
    expect(word.test("a--b")).toBe(false);
  });
});

describe("the extension manifest (editors/vscode/package.json)", () => {
  const manifest = read("package.json") as {
    main: string;
    engines: { vscode: string };
    activationEvents: string[];
    scripts: Record<string, string>;
    dependencies: Record<string, string>;
    contributes: {
      languages: { id: string; extensions: string[]; configuration: string }[];
      grammars: { language: string; scopeName: string; path: string }[];
      commands: { command: string }[];
    };
  };

  it("contributes the promo language, its grammar and configuration, and activates on it", () => {
    expect(manifest.main).toBe("./dist/extension.js");
    expect(manifest.activationEvents).toContain("onLanguage:promo");
    expect(manifest.contributes.languages).toEqual([
      expect.objectContaining({ id: "promo", extensions: [".promo"], configuration: "./language-configuration.json" }),
    ]);
    expect(manifest.contributes.grammars).toEqual([{ language: "promo", scopeName: grammar.scopeName, path: "./syntaxes/promo.tmLanguage.json" }]);
    expect(manifest.contributes.commands.map((c) => c.command)).toContain("promo.showExampleResult");
    expect(manifest.dependencies["vscode-languageclient"]).toMatch(/^\^11\./);
    expect(manifest.scripts.package).toBeDefined();
  });

  it("is not an npm workspace of the repository", () => {
    const root = JSON.parse(readFileSync(join(EXTENSION, "..", "..", "package.json"), "utf8")) as { workspaces: string[] };
    expect(root.workspaces.some((w) => w.startsWith("editors"))).toBe(false);
  });
});
