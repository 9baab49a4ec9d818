import { CandidateIndex } from "./candidates.js";
import { benefitScope } from "./benefits.js";
import type { IndexKeys, LinePredicate, Program } from "./program.js";

/** What pricing needs of a program beyond its promotions, worked out once per program. */
export interface ProgramFacts {
  index: CandidateIndex;
  /** Whether a stacking rule counts per store or per line (only then does a step list its stores and lines). */
  perStore: boolean;
  perLine: boolean;
  /**
   * Index keys of benefit scopes: what a promotion's `index` says of its benefit's scope holds for each line (a
   * line the scope matches holds one of the keys), so a cart's lines can be looked up rather than all tested.
   */
  scopeKeys: ReadonlyMap<LinePredicate, IndexKeys>;
}

const programFacts = new WeakMap<Program, ProgramFacts>();

export function factsOf(program: Program): ProgramFacts {
  let facts = programFacts.get(program);
  if (!facts) {
    facts = {
      index: new CandidateIndex(program),
      perStore: program.stacking.some((rule) => rule.per === "store"),
      perLine: program.stacking.some((rule) => rule.per === "line"),
      scopeKeys: scopeKeys(program),
    };
    programFacts.set(program, facts);
  }
  return facts;
}

function scopeKeys(program: Program): Map<LinePredicate, IndexKeys> {
  const out = new Map<LinePredicate, IndexKeys>();
  for (const p of program.promotions) {
    const scope = p.index ? benefitScope(p.benefit) : null;
    if (scope && p.index && !out.has(scope)) out.set(scope, p.index);
  }
  return out;
}
