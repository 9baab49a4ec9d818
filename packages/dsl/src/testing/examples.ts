import { formatMinor, type CartError, type EvaluateOutcome, type PricingResult } from "@promo/runtime";
import { compareSettlement } from "./settlement.js";
import type * as A from "../ast/nodes.js";
import type { CheckedFile, CheckedProject } from "../checker/checker.js";
import type { SourceHost } from "../project/host.js";
import { appendAll } from "../util/arrays.js";
import { excerpt } from "@promo/runtime";

/**
 * Runs the examples written in rule files (`example NAME { cart {...} expect {...} }`): each cart is priced and
 * the keys the expectation gives are compared. Used by `promo test`, the conformance tests and the editor.
 */
export interface ExampleOutcome {
  name: string;
  file: string;
  line: number;
  column: number;
  passed: boolean;
  /** One line per mismatch: `total: expected 20.00 USD, actual 20.01 USD`. */
  differences: string[];
  result?: PricingResult;
  cartErrors?: CartError[];
}

export type CartEvaluator = (cart: unknown) => EvaluateOutcome;

export function runExamples(project: CheckedProject, evaluate: CartEvaluator, host?: SourceHost): ExampleOutcome[] {
  return project.examples.map(({ decl, file }) => runExample(decl, file, project, evaluate, host));
}

function runExample(decl: A.ExampleDecl, file: CheckedFile, project: CheckedProject, evaluate: CartEvaluator, host: SourceHost | undefined): ExampleOutcome {
  const source = file.parsed.source;
  const at = source.positionAt(decl.span.start);
  const base = { name: decl.name.text, file: source.path, line: at.line, column: at.column };
  let cart: unknown;
  if (decl.cart) cart = { currency: file.currency, ...(recordToJson(decl.cart, project) as object) };
  else if (decl.cartFile && host) {
    const path = host.resolve(source.path, decl.cartFile.value);
    // Refused before reading (the checker reported path-outside-project); and a file's bytes never reach a message:
    // JSON.parse's own messages quote the text, so only the fact is reported.
    if (host.contains && !host.contains(path)) return { ...base, passed: false, differences: [`the cart file ${excerpt(path)} is outside the project root`] };
    const bytes = host.readFile(path);
    if (!bytes) return { ...base, passed: false, differences: [`cannot read the cart file ${excerpt(path)}`] };
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      return { ...base, passed: false, differences: [`the cart file ${excerpt(path)} is not UTF-8 text`] };
    }
    try {
      cart = JSON.parse(text);
    } catch {
      return { ...base, passed: false, differences: [`the cart file ${excerpt(path)} is not valid JSON`] };
    }
  } else return { ...base, passed: false, differences: ["the example has no cart"] };
  const outcome = evaluate(cart);
  if (!outcome.ok) return { ...base, passed: false, differences: outcome.errors.map((e) => `cart ${e.path || "/"}: ${e.message}`), cartErrors: outcome.errors };
  const differences = decl.expect ? compareExpectation(decl.expect, outcome.result, project) : [];
  return { ...base, passed: differences.length === 0, differences, result: outcome.result };
}

/** Example literal syntax → the cart's JSON contract: money as decimal strings, instants as ISO 8601. */
export function recordToJson(value: A.Value, project: CheckedProject): unknown {
  switch (value.kind) {
    case "Record":
      return Object.fromEntries(value.entries.map((e) => [e.key.text, recordToJson(e.value, project)]));
    case "ListValue":
      return value.items.map((item) => recordToJson(item, project));
    case "String":
      return value.value;
    case "Number":
      return value.currency ? value.text : Number(value.text);
    case "Percent":
      return value.text;
    case "DateTime": {
      const ms = project.tables.instants.get(value.id);
      return ms === undefined ? value.text : new Date(ms).toISOString().replace(".000Z", "Z");
    }
    case "Word":
      return value.text === "true" ? true : value.text === "false" ? false : value.text === "null" ? null : value.text;
  }
}

function compareExpectation(expect: A.RecordValue, result: PricingResult, project: CheckedProject): string[] {
  const diffs: string[] = [];
  const currency = result.currency;
  const money = (v: A.Value) => (v.kind === "Number" ? formatMinor(project.tables.money.get(v.id)?.minor ?? Number.NaN, currency) : "?");
  const same = (key: string, expected: string, actual: string, unit = "") => {
    if (expected !== actual) diffs.push(`${key}: expected ${expected}${unit}, actual ${actual}${unit}`);
  };
  for (const { key, value } of expect.entries) {
    switch (key.text) {
      case "subtotal":
      case "discount":
      case "shipping":
      case "total":
        same(key.text, money(value), result[key.text], ` ${currency}`);
        break;
      case "optimal":
        same("optimal", String(recordToJson(value, project)), String(result.optimal));
        break;
      case "coins":
        if (value.kind !== "Record") break;
        for (const entry of value.entries) {
          const k = entry.key.text as "used" | "amount" | "earned";
          if (k === "amount") same("coins.amount", money(entry.value), result.coins.amount, ` ${currency}`);
          else same(`coins.${k}`, String(recordToJson(entry.value, project)), String(result.coins[k]));
        }
        break;
      case "applied":
      case "rejected":
        if (value.kind === "ListValue") appendAll(diffs, compareList(key.text, value, result, money));
        break;
      case "lines":
        if (value.kind !== "ListValue") break;
        for (const item of value.items) {
          if (item.kind !== "Record") continue;
          const id = item.entries.find((e) => e.key.text === "id");
          const lineId = id?.value.kind === "String" ? id.value.value : "";
          const actual = result.lines.find((l) => l.id === lineId);
          if (!actual) {
            diffs.push(`lines: no line ${JSON.stringify(lineId)}`);
            continue;
          }
          for (const e of item.entries) {
            if (e.key.text === "subtotal" || e.key.text === "discount" || e.key.text === "total")
              same(`lines[${lineId}].${e.key.text}`, money(e.value), actual[e.key.text], ` ${currency}`);
          }
        }
        break;
      case "settlement":
        appendAll(diffs, compareSettlement(value, result.settlement, money));
        break;
      default:
        break;
    }
  }
  return diffs;
}

function entryId(item: A.Value): { id: string; fields: Map<string, A.Value> } {
  if (item.kind === "Word") return { id: item.text, fields: new Map() };
  if (item.kind === "Record") {
    const fields = new Map(item.entries.map((e) => [e.key.text, e.value]));
    const id = fields.get("id");
    return { id: id?.kind === "Word" ? id.text : "", fields };
  }
  return { id: "", fields: new Map() };
}

/** `applied` and `rejected` are exact sets of ids; amounts and reasons are compared where given. */
function compareList(key: "applied" | "rejected", value: A.ListValue, result: PricingResult, money: (v: A.Value) => string): string[] {
  const diffs: string[] = [];
  const expected = value.items.map(entryId);
  const actualIds = result[key].map((e) => e.id);
  const expectedIds = expected.map((e) => e.id);
  const missing = expectedIds.filter((id) => !actualIds.includes(id));
  const extra = actualIds.filter((id) => !expectedIds.includes(id));
  if (missing.length > 0 || extra.length > 0) {
    diffs.push(`${key}: expected [${[...expectedIds].sort().join(", ")}], actual [${[...actualIds].sort().join(", ")}]`);
  }
  for (const { id, fields } of expected) {
    if (key === "applied") {
      const actual = result.applied.find((a) => a.id === id);
      const amount = fields.get("amount");
      if (actual && amount) {
        const want = money(amount);
        if (want !== actual.amount) diffs.push(`applied ${id}: expected amount ${want}, actual ${actual.amount}`);
      }
      const lines = fields.get("lines");
      if (actual && lines?.kind === "ListValue") {
        const want = lines.items
          .map((item) => (item.kind === "Record" ? new Map(item.entries.map((e) => [e.key.text, e.value])) : new Map<string, A.Value>()))
          .map((f) => {
            const line = f.get("line");
            const amountValue = f.get("amount");
            return `${line?.kind === "String" ? line.value : "?"} ${amountValue ? money(amountValue) : "?"}`;
          })
          .sort();
        const got = actual.lines.map((l) => `${l.line} ${l.amount}`).sort();
        if (want.join(", ") !== got.join(", ")) diffs.push(`applied ${id} lines: expected [${want.join(", ")}], actual [${got.join(", ")}]`);
      }
    } else {
      const actual = result.rejected.find((r) => r.id === id);
      const reason = fields.get("reason");
      if (actual && reason?.kind === "Word" && reason.text !== actual.reason) {
        diffs.push(`rejected ${id}: expected reason ${reason.text}, actual ${actual.reason} (${actual.message})`);
      }
      const message = fields.get("message");
      if (actual && message?.kind === "String" && message.value !== actual.message) {
        diffs.push(`rejected ${id}: expected message ${JSON.stringify(message.value)}, actual ${JSON.stringify(actual.message)}`);
      }
    }
  }
  return diffs;
}
