/** Per-product eligibility against a campaign's requirements (seller FAQ 002 q.76–87): every failed requirement is reported. */

export type Comparison = ">=" | ">" | "<=" | "<" | "==" | "in" | "includes" | "not";

export interface Requirement {
  /** Stable reason code returned when the requirement fails, e.g. "rating-too-low". */
  readonly reason: string;
  /** Dotted fact path, e.g. "product.rating" or "store.evaluationPercent". */
  readonly fact: string;
  readonly op: Comparison;
  readonly value: number | string | boolean | readonly string[];
  /** Only checked when this fact path is a positive number (e.g. rating only with at least one sale). */
  readonly onlyWhenPositive?: string;
  readonly span?: { readonly start: number; readonly end: number };
}

export interface Failure {
  readonly reason: string;
  readonly fact: string;
  readonly actual: unknown;
  readonly expected: string;
  readonly span?: { readonly start: number; readonly end: number };
}

export interface Snapshot {
  readonly product: Readonly<Record<string, unknown>>;
  readonly store: Readonly<Record<string, unknown>>;
}

const EXPECTED = new WeakMap<Requirement, string>();

/** `>= 4.5`: the operator and the value, computed once per requirement (only when a product fails it). */
function expectedText(r: Requirement): string {
  let text = EXPECTED.get(r);
  if (text === undefined) {
    text = `${r.op} ${JSON.stringify(r.value)}`;
    EXPECTED.set(r, text);
  }
  return text;
}

const PATHS = new Map<string, readonly string[]>();

function lookup(snapshot: Snapshot, path: string): unknown {
  let keys = PATHS.get(path);
  if (keys === undefined) {
    keys = path.split(".");
    PATHS.set(path, keys);
  }
  const root = keys[0];
  let value: unknown = root === "product" ? snapshot.product : root === "store" ? snapshot.store : undefined;
  for (let i = 1; i < keys.length; i++) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[keys[i]!];
  }
  return value;
}

function holds(actual: unknown, op: Comparison, expected: Requirement["value"]): boolean {
  switch (op) {
    case ">=":
      return typeof actual === "number" && actual >= (expected as number);
    case ">":
      return typeof actual === "number" && actual > (expected as number);
    case "<=":
      return typeof actual === "number" && actual <= (expected as number);
    case "<":
      return typeof actual === "number" && actual < (expected as number);
    case "==":
      return actual === expected;
    case "not":
      // A fact of the wrong type fails (docs/language.md): `is not false` on the text "no" does not pass.
      return typeof actual === typeof expected && actual !== expected;
    case "in":
      return typeof actual === "string" && (expected as readonly string[]).includes(actual);
    case "includes":
      return Array.isArray(actual) && actual.includes(expected);
  }
}

/** Checks every requirement; returns all failures. A missing fact fails with reason "missing-data". */
export function checkEligibility(requirements: readonly Requirement[], snapshot: Snapshot): Failure[] {
  const failures: Failure[] = [];
  for (const r of requirements) {
    if (r.onlyWhenPositive !== undefined) {
      const gate = lookup(snapshot, r.onlyWhenPositive);
      if (gate === undefined || gate === null) {
        failures.push({ reason: "missing-data", fact: r.onlyWhenPositive, actual: undefined, expected: "> 0", span: r.span });
        continue;
      }
      if (!(typeof gate === "number" && gate > 0)) {
        failures.push({ reason: r.reason, fact: r.onlyWhenPositive, actual: gate, expected: "> 0", span: r.span });
        continue;
      }
    }
    const actual = lookup(snapshot, r.fact);
    if (actual === undefined || actual === null) {
      failures.push({ reason: "missing-data", fact: r.fact, actual, expected: expectedText(r), span: r.span });
    } else if (!holds(actual, r.op, r.value)) {
      failures.push({ reason: r.reason, fact: r.fact, actual, expected: expectedText(r), span: r.span });
    }
  }
  return failures;
}
