import { expect } from "vitest";

/**
 * Settlement and returns in the conformance corpus (docs/language.md, Settlement and Returns): `expect.settlement`
 * is a partial match of the settlement; `returns` is a sequence of returns applied one after another (each after
 * the ones before it, with their recoveries), and `expect.refunds` holds one partial match per return.
 */
export interface SettlementCase {
  returns?: Record<string, number>[];
  expect?: Record<string, unknown>;
}

export interface SettlementApi {
  settle(result: object): unknown;
  refund(result: object, returns: unknown, previous?: unknown): unknown;
}

/** The expectation without the keys that are not fields of the pricing result. */
export function resultExpectation(expected: Record<string, unknown> | undefined): Record<string, unknown> {
  const { refunds: _refunds, ...rest } = expected ?? {};
  return rest;
}

/** Applies the case's returns in order through `api`, threading the units and recoveries already taken. */
export function refundSequence(api: SettlementApi, result: object, returns: readonly Record<string, number>[]): unknown[] {
  const units: Record<string, number> = {};
  const recovered: string[] = [];
  return returns.map((now) => {
    const outcome = api.refund(result, now, { units: { ...units }, recovered: [...recovered] }) as {
      errors?: unknown;
      recovered?: { promotion: string }[];
    };
    if (outcome.errors === undefined) {
      for (const [line, n] of Object.entries(now)) units[line] = (units[line] ?? 0) + n;
      for (const r of outcome.recovered ?? []) recovered.push(r.promotion);
    }
    return outcome;
  });
}

/** Checks a case's settlement and refunds on `api`, with `match` the runner's partial matcher. */
export function checkSettlementCase(
  api: SettlementApi,
  result: object,
  testCase: SettlementCase,
  match: (actual: unknown, expected: unknown, path: string) => void,
): void {
  const expected = testCase.expect ?? {};
  if (expected["settlement"] !== undefined) match(api.settle(result), expected["settlement"], "settlement");
  if (testCase.returns) {
    const refunds = refundSequence(api, result, testCase.returns);
    if (expected["refunds"] !== undefined) match(refunds, expected["refunds"], "refunds");
    else expect(refunds.length).toBe(testCase.returns.length);
  }
}
