import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { parse as parseYaml } from "yaml";

/**
 * The settlement and returns conformance corpus (`test/conformance/settlement/*.yaml`,
 * `test/conformance/returns/*.yaml`): the format of the other conformance folders plus `expect.settlement` (a
 * partial match of the settlement), `returns` (returns applied one after another, each with the ones before it)
 * and `expect.refunds` (a partial match of each refund's output, one per return); `attribution` (the value
 * `attribute(order, journey)` returned for the order, written out) is passed to settlement and every refund. test/settlement-conformance.test.ts
 * runs every case on the compiled bundle (`runOnBundle`) and on the reference (`runOnReference`), checks each run
 * against the case and the two runs against each other.
 */
export interface SettlementCase {
  name: string;
  cart: Record<string, unknown>;
  usage?: Record<string, number>;
  returns?: Record<string, unknown>[];
  /** docs/language.md, "Affiliate commissions in settlement and returns": `settle(result, { attribution })`. */
  attribution?: unknown;
  expect?: Record<string, unknown> & { settlement?: unknown; refunds?: unknown[] };
}

export interface SettlementSuite {
  file: string;
  description: string;
  rules: string;
  cases: SettlementCase[];
}

export const SETTLEMENT_FOLDERS = ["settlement", "returns"] as const;

export function settlementSuites(): SettlementSuite[] {
  const root = join(import.meta.dirname, "..", "conformance");
  return SETTLEMENT_FOLDERS.flatMap((folder) =>
    readdirSync(join(root, folder))
      .filter((f) => f.endsWith(".yaml"))
      .sort()
      .map((f) => ({ file: `${folder}/${f}`, ...(parseYaml(readFileSync(join(root, folder, f), "utf8")) as Omit<SettlementSuite, "file">) })),
  );
}

/** Every key of `expected` must match `actual`; arrays match element by element (order and length). */
export function expectSubset(actual: unknown, expected: unknown, path = ""): void {
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected)) {
    expect(actual, path).toBeTypeOf("object");
    expect(actual, path).not.toBeNull();
    for (const [k, v] of Object.entries(expected)) expectSubset((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${path} is an array`).toBe(true);
    expect((actual as unknown[]).length, `${path}.length`).toBe(expected.length);
    expected.forEach((v, i) => expectSubset((actual as unknown[])[i], v, `${path}[${i}]`));
  } else {
    expect(actual, path).toEqual(expected);
  }
}

/** What one implementation gives for a case: the priced result, its settlement and each refund in turn. */
export interface SettlementRun {
  result: unknown;
  settlement: unknown;
  refunds: unknown[];
}

/**
 * The `previous` argument after some returns: units per line so far, the promotions recovered so far, and (SPEC-13,
 * Amendment 2) the outstanding amount earlier recoveries could not deduct, as the last refund reported it.
 */
export interface Previous {
  units: Record<string, number>;
  recovered: string[];
  outstanding: string;
}

/**
 * Applies a case's returns one after another: each refund gets the units returned and the promotions recovered by
 * the successful returns before it, and the `outstanding` the last successful one reported (a return answered with
 * errors changes nothing). The `previous` is assembled here from the returns and the outputs, and each successful
 * output's `next` must equal it (units: every line with a unit returned so far), so a wrong `next` is caught rather
 * than passed on.
 */
export function runReturns(returns: readonly Record<string, unknown>[], refund: (returned: Record<string, unknown>, previous: Previous) => unknown): unknown[] {
  const previous: Previous = { units: {}, recovered: [], outstanding: "0" };
  return returns.map((returned, n) => {
    const out = refund(returned, { units: { ...previous.units }, recovered: [...previous.recovered], outstanding: previous.outstanding });
    const o = out as { errors?: unknown[]; ok?: boolean; recovered?: { promotion: string }[]; outstanding?: string; next?: unknown };
    if (o && !(Array.isArray(o.errors) && o.errors.length > 0) && o.ok !== false) {
      for (const [line, units] of Object.entries(returned)) if (Number(units) > 0) previous.units[line] = (previous.units[line] ?? 0) + Number(units);
      for (const r of o.recovered ?? []) previous.recovered.push(r.promotion);
      previous.outstanding = String(o.outstanding);
      expect(o.next, `refunds[${n}].next`).toEqual(previous);
    }
    return out;
  });
}

/** Checks one implementation's run against the case's expectation. */
export function checkSettlementCase(run: SettlementRun, testCase: SettlementCase): void {
  const { settlement, refunds, ...rest } = testCase.expect ?? {};
  expectSubset(run.result, rest, "result");
  if (settlement !== undefined) expectSubset(run.settlement, settlement, "settlement");
  if (refunds !== undefined) {
    expect(run.refunds.length, "one refund per return").toBe(refunds.length);
    expectSubset(run.refunds, refunds, "refunds");
  }
}

/** The compiled bundle's exports this needs (SPEC-13: `settle(result)` and `refund(result, returns, previous)`). */
export interface SettlementBundle {
  tryEvaluate(cart: unknown, options?: object): { ok: boolean; result?: unknown; errors?: unknown };
  settle(result: unknown, options?: { attribution?: unknown }): unknown;
  refund(result: unknown, returns: unknown, previous?: unknown, options?: { attribution?: unknown }): unknown;
}

/** The reference's settlement of one cart (packages/reference `referenceSettlement(…).trySettle`). */
export interface SettlementReference {
  trySettle(
    cart: unknown,
    options?: object,
    extra?: { attribution?: unknown },
  ): { ok: true; result: unknown; settlement: unknown; refund(returns: unknown, previous?: unknown): unknown } | { ok: false; errors: unknown };
}

const optionsOf = (testCase: SettlementCase) => (testCase.usage ? { usage: testCase.usage } : undefined);
/** The settlement and refund options of a case: `{ attribution }` only when the case gives one. */
const attributionOf = (testCase: SettlementCase) => (testCase.attribution === undefined ? undefined : { attribution: testCase.attribution });

/** Prices the case's cart with the compiled bundle, settles it and applies the case's returns one after another. */
export function runOnBundle(bundle: SettlementBundle, testCase: SettlementCase): SettlementRun {
  const outcome = bundle.tryEvaluate(testCase.cart, optionsOf(testCase));
  if (!outcome.ok) throw new Error(`cart rejected by the bundle: ${JSON.stringify(outcome.errors)}`);
  const result = outcome.result;
  const extra = attributionOf(testCase);
  return {
    result,
    settlement: extra ? bundle.settle(result, extra) : bundle.settle(result),
    refunds: runReturns(testCase.returns ?? [], (returned, previous) =>
      extra ? bundle.refund(result, returned, previous, extra) : bundle.refund(result, returned, previous),
    ),
  };
}

/** The same on the reference evaluator. */
export function runOnReference(reference: SettlementReference, testCase: SettlementCase): SettlementRun {
  const outcome = reference.trySettle(testCase.cart, optionsOf(testCase) ?? {}, attributionOf(testCase));
  if (!outcome.ok) throw new Error(`cart rejected by the reference: ${JSON.stringify(outcome.errors)}`);
  return {
    result: outcome.result,
    settlement: outcome.settlement,
    refunds: runReturns(testCase.returns ?? [], (returned, previous) => outcome.refund(returned, previous)),
  };
}
