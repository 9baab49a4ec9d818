import { interpreterEvaluator, runExamples, type CheckedProject, type ExampleOutcome, type SourceHost } from "@promo/dsl";
import type { Analysis } from "../workspace.js";

/** What the code lens of one example shows, and what its command carries. */
export interface ExampleLens {
  name: string;
  /** UTF-16 offsets of the `example` declaration in its file. */
  start: number;
  end: number;
  title: string;
  passed: boolean;
  differences: string[];
}

export const SHOW_EXAMPLE_RESULT = "promo.showExampleResult";
const MAX_TITLE = 90;

/** `total: expected 20.00 USD, actual 20.01 USD` → `total 20.01 USD, expected 20.00 USD`, at most MAX_TITLE long. */
export function shortDifference(difference: string): string {
  const match = /^(.*?): expected (.*), actual (.*)$/.exec(difference);
  const text = match ? `${match[1]} ${match[3]}, expected ${match[2]}` : difference;
  return text.length > MAX_TITLE ? `${text.slice(0, MAX_TITLE - 1)}…` : text;
}

export function lensTitle(outcome: Pick<ExampleOutcome, "passed" | "differences">): string {
  if (outcome.passed) return "✓ passes";
  const [first, ...rest] = outcome.differences;
  const more = rest.length > 0 ? ` (+${rest.length} more)` : "";
  return `✗ fails: ${first === undefined ? "no result" : shortDifference(first)}${more}`;
}

/** Whether the project (this file and everything it imports) has errors, in which case nothing is run. */
function projectHasErrors(analysis: Analysis): boolean {
  const error = (d: { severity: string }) => d.severity === "error";
  return analysis.diagnostics.some(error) || analysis.project.diagnostics.some(error) || analysis.project.files.some((f) => f.parsed.diagnostics.some(error));
}

const cache = new WeakMap<Analysis, ExampleLens[]>();

/**
 * One lens per example declared in this file, run with the reference interpreter on the analysis' project. A
 * project with errors runs nothing: each example says so. `cart from "…"` files are read through `host`. Cached
 * per analysis (per document version).
 */
export function exampleLenses(analysis: Analysis, host: SourceHost | undefined): ExampleLens[] {
  const cached = cache.get(analysis);
  if (cached) return cached;
  const own = analysis.project.examples.filter((e) => e.file.parsed.source.path === analysis.path);
  let lenses: ExampleLens[];
  if (own.length === 0) lenses = [];
  else if (projectHasErrors(analysis)) {
    lenses = own.map(({ decl }) => ({
      name: decl.name.text,
      start: decl.span.start,
      end: decl.span.end,
      title: "⚠ not run: the file has errors",
      passed: false,
      differences: ["the file (or a file it imports) has errors; fix them to run this example"],
    }));
  } else {
    const project: CheckedProject = { ...analysis.project, examples: own };
    try {
      const outcomes = runExamples(project, interpreterEvaluator(analysis.project).tryEvaluate, host);
      lenses = outcomes.map((outcome, i) => {
        const decl = own[i]!.decl;
        return {
          name: outcome.name,
          start: decl.span.start,
          end: decl.span.end,
          title: lensTitle(outcome),
          passed: outcome.passed,
          differences: outcome.differences,
        };
      });
    } catch (error) {
      // The interpreter failed on a checked project (a bug, not the user's): say so on each example.
      const message = error instanceof Error ? error.message : String(error);
      lenses = own.map(({ decl }) => ({
        name: decl.name.text,
        start: decl.span.start,
        end: decl.span.end,
        title: "⚠ not run: the interpreter failed",
        passed: false,
        differences: [`the interpreter failed: ${message}`],
      }));
    }
  }
  cache.set(analysis, lenses);
  return lenses;
}
