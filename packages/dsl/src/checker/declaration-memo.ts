import type * as A from "../ast/nodes.js";
import { spanIn, type Diagnostic, type DiagnosticSpan } from "../diagnostics/diagnostic.js";
import type { CheckOptions, FileContext, Reporter, Symbol } from "./context.js";
import type { CheckedPromotion } from "./promotions.js";
import { Watch, type MapLog, type WatchedMap } from "./watched-map.js";

/** What the memo reads and writes of a check in progress (a CheckState has all of it). */
export interface MemoState {
  readonly reporter: Reporter;
  readonly symbols: { markUsed(symbol: Symbol): void };
  readonly project: {
    readonly promotions: CheckedPromotion[];
    readonly stacking: readonly unknown[];
    readonly earn: readonly unknown[];
    readonly examples: readonly unknown[];
    readonly campaigns: readonly unknown[];
  };
  readonly selections: readonly unknown[];
}

/**
 * Incremental checking for editors. An editor's re-parse (parser/incremental.ts) hands back the very same
 * declaration objects for the declarations an edit did not touch; this memo keeps what checking each of them did
 * last time, and replays it instead of checking again when nothing it read has changed.
 *
 * What a declaration's check did is recorded, not described: its diagnostics, the side-table entries it wrote,
 * the names it marked used and the checked promotion it added. What it read is recorded too, by the maps
 * themselves (checker/watched-map.ts): every symbol looked up (and what it resolved to), every side-table entry
 * read that the declaration did not write, every namespace listed (for "did you mean" suggestions). A
 * declaration is replayed only when it is the same object (so its text is unchanged), in the same file with the
 * same currency, and every one of those reads gives the same answer now; otherwise it is checked again. A
 * declaration that references a changed or renamed scope, window, group or promotion is therefore checked again,
 * and so is one whose unknown name might now resolve.
 *
 * Only the per-declaration stages use the memo (`windows` for window declarations; `declarations` for scopes,
 * groups and promotions). Everything that compares declarations with one another (duplicates, cycles, cost,
 * priorities, stacking, unused names, examples, settlement) runs again on every check, over the replayed results.
 * Replaying gives the diagnostics a full check gives, in the same order: each declaration is replayed at its
 * turn, so every later declaration reads the same state it would have read.
 */
export type MemoStage = "windows" | "declarations";

/** The declarations each stage can replay: their check only reports, writes tables, marks names used and adds a promotion. */
const REPLAYABLE: Record<MemoStage, ReadonlySet<A.Declaration["kind"]>> = {
  windows: new Set(["Window"]),
  declarations: new Set(["Scope", "Group", "Promotion"]),
};

/** Counted work of the last check (never timed): how many declarations were checked and how many replayed. */
export interface IncrementalStats {
  /** Declarations whose check ran: changed or affected ones, and the kinds that are always checked. */
  checked: number;
  /** Declarations whose previous results were replayed. */
  reused: number;
  /** The kinds of the declarations checked, in order (what the tests assert on). */
  checkedKinds: string[];
}

type Declared = { kind: string; name: string; decl: object };
type Read = { map: string; key: unknown; value: unknown };

/** What checking one declaration did and read; `start` is where the declaration began when its diagnostics were made. */
interface Recorded {
  stage: MemoStage;
  file: string;
  currency: string | undefined;
  start: number;
  reads: Read[];
  scans: { map: string; keys: string }[];
  writes: { map: string; key: unknown; value: unknown }[];
  used: Declared[];
  diagnostics: Diagnostic[];
  promotions: CheckedPromotion[];
}

/** The log a declaration's check writes into while it runs (see Watch.current). */
class Recording implements MapLog {
  readonly reads: Read[] = [];
  readonly scans: { map: string; keys: string }[] = [];
  readonly writes: { map: string; key: unknown; value: unknown }[] = [];
  readonly used: Declared[] = [];
  private readonly written = new Map<string, Set<unknown>>();
  erased = false;

  read(map: WatchedMap<unknown, unknown>, key: unknown, value: unknown): void {
    // An entry this declaration wrote itself is part of its own result, not something it depends on.
    if (this.written.get(map.label)?.has(key)) return;
    this.reads.push({ map: map.label, key, value });
  }
  scan(map: WatchedMap<unknown, unknown>): void {
    this.scans.push({ map: map.label, keys: map.keySignature() });
  }
  write(map: WatchedMap<unknown, unknown>, key: unknown, value: unknown): void {
    let keys = this.written.get(map.label);
    if (!keys) this.written.set(map.label, (keys = new Set()));
    keys.add(key);
    this.writes.push({ map: map.label, key, value });
  }
  erase(): void {
    this.erased = true;
  }
  markUsed(symbol: unknown): void {
    // Only declared names are marked used; anything else could not be found again on replay.
    if (isDeclared(symbol)) this.used.push(symbol);
    else this.erased = true;
  }
}

/** A resolved name that points at a declaration (scopes, windows, groups, promotions, attributes). */
function isDeclared(value: unknown): value is Declared {
  return typeof value === "object" && value !== null && "decl" in value && "kind" in value && "name" in value;
}

/** Where each kind of declared symbol lives, by the label of its map. */
const NAMESPACES: Record<string, string> = {
  scope: "symbols.scopes",
  window: "symbols.windows",
  group: "symbols.groups",
  promotion: "symbols.promotions",
  attribute: "symbols.attributes",
};

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // A symbol is the same when it names the same declaration object (same text); its file object may be newer.
  if (isDeclared(a) || isDeclared(b)) return isDeclared(a) && isDeclared(b) && a.kind === b.kind && a.name === b.name && a.decl === b.decl;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    // Not plain data (a cycle): treat as changed, so the declaration is checked again rather than replayed.
    return false;
  }
}

function spansOf(d: Diagnostic): DiagnosticSpan[] {
  return [d.span, ...d.related.map((r) => r.span), ...d.fixes.flatMap((f) => f.edits.map((e) => e.span))];
}

export class DeclarationMemo {
  /** The maps of the check under way report here (symbols.* and tables.* are built with it). */
  readonly watch = new Watch();
  /** The counted work of the last check. */
  lastRun: IncrementalStats = { checked: 0, reused: 0, checkedKinds: [] };
  private entries = new Map<A.Declaration, Recorded>();
  private next = new Map<A.Declaration, Recorded>();
  private maps = new Map<string, WatchedMap<unknown, unknown>>();
  private options: string | undefined;

  /** Starts a check: its fresh maps, and its options (other options than last time: nothing is reused). */
  begin(options: CheckOptions, maps: readonly WatchedMap<unknown, unknown>[]): void {
    const key = JSON.stringify(options);
    if (key !== this.options) this.entries.clear();
    this.options = key;
    this.maps = new Map(maps.map((m) => [m.label, m]));
    this.next = new Map();
    this.lastRun = { checked: 0, reused: 0, checkedKinds: [] };
  }

  /** Ends a check: only declarations of this check are remembered (the memo never outgrows the project). */
  end(): void {
    this.entries = this.next;
    this.next = new Map();
    this.watch.current = undefined;
  }

  /** Checks `decl` in `stage` by running `check`, or replays what that did last time when nothing it read has changed. */
  check(stage: MemoStage, decl: A.Declaration, state: MemoState, ctx: FileContext, check: () => void): void {
    const replayable = REPLAYABLE[stage].has(decl.kind) && this.watch.current === undefined;
    const previous = replayable ? this.entries.get(decl) : undefined;
    if (previous && previous.stage === stage && this.canReplay(previous, ctx)) {
      this.replay(previous, decl, state, ctx);
      this.next.set(decl, previous);
      this.lastRun.reused++;
      return;
    }
    this.lastRun.checked++;
    this.lastRun.checkedKinds.push(decl.kind);
    if (!replayable) {
      check();
      return;
    }
    const recorded = this.record(stage, decl, state, ctx, check);
    if (recorded) this.next.set(decl, recorded);
  }

  private record(stage: MemoStage, decl: A.Declaration, state: MemoState, ctx: FileContext, check: () => void): Recorded | undefined {
    const { project, reporter } = state;
    const before = {
      diagnostics: reporter.diagnostics.length,
      promotions: project.promotions.length,
      others: otherResults(state),
    };
    const recording = new Recording();
    this.watch.current = recording;
    try {
      check();
    } finally {
      this.watch.current = undefined;
    }
    const diagnostics = reporter.diagnostics.slice(before.diagnostics);
    // Anything the replay would not reproduce makes the declaration one that is always checked again.
    const within = (s: DiagnosticSpan) => s.file === ctx.source.path && s.start >= decl.span.start && s.end <= decl.span.end;
    if (recording.erased || otherResults(state) !== before.others || !diagnostics.every((d) => spansOf(d).every(within))) return undefined;
    return {
      stage,
      file: ctx.source.path,
      currency: ctx.currency,
      start: decl.span.start,
      reads: recording.reads,
      scans: recording.scans,
      writes: recording.writes,
      used: recording.used,
      diagnostics,
      // A copy: later stages (settlement) add to the checked promotion, and a replay must start from what this stage made.
      promotions: project.promotions.slice(before.promotions).map((p) => ({ ...p })),
    };
  }

  private canReplay(previous: Recorded, ctx: FileContext): boolean {
    if (previous.file !== ctx.source.path || previous.currency !== ctx.currency) return false;
    for (const scan of previous.scans) if (this.maps.get(scan.map)?.keySignature() !== scan.keys) return false;
    for (const read of previous.reads) {
      const map = this.maps.get(read.map);
      if (!map || !sameValue(map.peek(read.key), read.value)) return false;
    }
    // Every symbol the replay writes or marks used must still be declared by the same declaration.
    for (const write of previous.writes) if (isDeclared(write.value) && !this.currentSymbol(write.value)) return false;
    for (const symbol of previous.used) if (!this.currentSymbol(symbol)) return false;
    return true;
  }

  private replay(previous: Recorded, decl: A.Declaration, state: MemoState, ctx: FileContext): void {
    for (const write of previous.writes) {
      const value = isDeclared(write.value) ? this.currentSymbol(write.value) : write.value;
      this.maps.get(write.map)!.set(write.key, value);
    }
    for (const symbol of previous.used) state.symbols.markUsed(this.currentSymbol(symbol) as Symbol);
    // The declaration moved as a whole (the re-parse shifted its nodes): so did every span of its diagnostics.
    // Lines and columns are computed again even when it did not move: the text before it may have new lines.
    const delta = decl.span.start - previous.start;
    const moved = (s: DiagnosticSpan) => spanIn(ctx.source, { start: s.start + delta, end: s.end + delta });
    for (const d of previous.diagnostics) {
      state.reporter.report({
        ...d,
        span: moved(d.span),
        related: d.related.map((r) => ({ ...r, span: moved(r.span) })),
        fixes: d.fixes.map((f) => ({ ...f, edits: f.edits.map((e) => ({ ...e, span: moved(e.span) })) })),
      });
    }
    for (const p of previous.promotions) state.project.promotions.push({ ...p, file: ctx.source });
    // The recording now describes the declaration where it is, for the next replay.
    previous.start = decl.span.start;
    previous.diagnostics = state.reporter.diagnostics.slice(state.reporter.diagnostics.length - previous.diagnostics.length);
  }

  /** The symbol of this check that declares what `symbol` declared, or undefined when it no longer does. */
  private currentSymbol(symbol: Declared): Declared | undefined {
    const namespace = NAMESPACES[symbol.kind];
    const current = namespace === undefined ? undefined : this.maps.get(namespace)?.peek(symbol.name);
    return isDeclared(current) && current.kind === symbol.kind && current.decl === symbol.decl ? current : undefined;
  }
}

/** The project's other per-declaration lists: a replayable declaration must not add to them. */
function otherResults(state: MemoState): string {
  const { project } = state;
  return `${project.stacking.length}/${project.earn.length}/${project.examples.length}/${project.campaigns.length}/${state.selections.length}`;
}
