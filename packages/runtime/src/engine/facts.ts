import { CandidateIndex } from "./candidates.js";
import type { Program } from "./program.js";

/** What pricing needs of a program beyond its promotions, worked out once per program. */
export interface ProgramFacts {
  index: CandidateIndex;
  /** Whether a stacking rule counts per store or per line (only then does a step list its stores and lines). */
  perStore: boolean;
  perLine: boolean;
}

const programFacts = new WeakMap<Program, ProgramFacts>();

export function factsOf(program: Program): ProgramFacts {
  let facts = programFacts.get(program);
  if (!facts) {
    facts = {
      index: new CandidateIndex(program),
      perStore: program.stacking.some((rule) => rule.per === "store"),
      perLine: program.stacking.some((rule) => rule.per === "line"),
    };
    programFacts.set(program, facts);
  }
  return facts;
}
