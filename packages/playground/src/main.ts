import { autocompletion, snippet, type Completion, type CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { json, jsonParseLinter } from "@codemirror/lang-json";
import { bracketMatching, ensureSyntaxTree, syntaxHighlighting, defaultHighlightStyle } from "@codemirror/language";
import { linter, lintGutter, setDiagnostics, type Diagnostic as EditorDiagnostic } from "@codemirror/lint";
import { EditorSelection, EditorState, StateEffect, StateField, type Range, type Text } from "@codemirror/state";
import {
  Decoration,
  type DecorationSet,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  hoverTooltip,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import type { PricingResult } from "@promo/runtime";
import examples from "playground:examples";
import type { Evaluation } from "./evaluate.js";
import { RULES_URI } from "./paths.js";
import { LspClient } from "./lsp-client.js";
import { decodeState, encodeState } from "./state.js";

interface Example {
  name: string;
  title: string;
  rules: string;
  carts: { name: string; text: string }[];
}
interface LspPosition {
  line: number;
  character: number;
}
interface LspRange {
  start: LspPosition;
  end: LspPosition;
}
interface LspDiagnostic {
  range: LspRange;
  severity?: number;
  code?: string | number;
  message: string;
  data?: { fixes?: { title: string }[] };
}
interface LspTextEdit {
  range: LspRange;
  newText: string;
}

const EXAMPLES = examples as Example[];
const DEFAULT_EXAMPLE = "welcome-deal/first-order";
const $ = <T extends HTMLElement>(selector: string) => document.querySelector(selector) as T;

// ---- The language server in a worker, spoken to over a MessagePort ----

const worker = new Worker("worker.js");
const channel = new MessageChannel();
worker.postMessage({ type: "lsp", port: channel.port2 }, [channel.port2]);
const lsp = new LspClient(channel.port1);
let documentVersion = 0;
let tokenTypes: string[] = [];
const initialized = lsp
  .request<{ capabilities: { semanticTokensProvider?: { legend: { tokenTypes: string[] } } } }>("initialize", {
    processId: null,
    rootUri: "file:///playground",
    workspaceFolders: [{ uri: "file:///playground", name: "playground" }],
    capabilities: {
      textDocument: {
        publishDiagnostics: { versionSupport: true },
        completion: { completionItem: { snippetSupport: true, documentationFormat: ["plaintext", "markdown"] } },
        hover: { contentFormat: ["plaintext", "markdown"] },
      },
    },
  })
  .then((result) => {
    tokenTypes = result.capabilities.semanticTokensProvider?.legend.tokenTypes ?? [];
    lsp.notify("initialized", {});
  });

/** Converts between LSP positions and editor offsets (both count UTF-16 code units). */
function offsetOf(doc: Text, position: LspPosition): number {
  const line = doc.line(Math.min(Math.max(position.line + 1, 1), doc.lines));
  return Math.min(line.from + position.character, line.to);
}
function positionOf(doc: Text, offset: number): LspPosition {
  const line = doc.lineAt(offset);
  return { line: line.number - 1, character: offset - line.from };
}

// ---- The rules editor: diagnostics, completion, hover and formatting from the language server ----

async function complete(context: CompletionContext): Promise<CompletionResult | null> {
  const word = context.matchBefore(/[\w-]*/);
  if (!context.explicit && (!word || word.from === word.to) && !/[./[]$/.test(context.state.sliceDoc(context.pos - 1, context.pos))) return null;
  const version = documentVersion;
  const answer = await lsp.request<{
    items: { label: string; kind?: number; detail?: string; insertText?: string; insertTextFormat?: number; textEdit?: { newText: string } }[];
  } | null>("textDocument/completion", { textDocument: { uri: RULES_URI }, position: positionOf(context.state.doc, context.pos) });
  if (!answer || version !== documentVersion) return null;
  const options: Completion[] = answer.items.map((item) => {
    const text = item.textEdit?.newText ?? item.insertText ?? item.label;
    return {
      label: item.label,
      detail: item.detail,
      // LSP snippets (`$1`, `${1:name}`) in CodeMirror's field syntax (`${1}`, `${1:name}`).
      apply: item.insertTextFormat === 2 ? snippet(text.replace(/\$(\d+)/g, "${$1}")) : text,
    };
  });
  return { from: word?.from ?? context.pos, options, validFor: /^[\w-]*$/ };
}

const hover = hoverTooltip(async (view, pos) => {
  const answer = await lsp.request<{ contents: { value: string } | string; range?: LspRange } | null>("textDocument/hover", {
    textDocument: { uri: RULES_URI },
    position: positionOf(view.state.doc, pos),
  });
  if (!answer) return null;
  const text = typeof answer.contents === "string" ? answer.contents : answer.contents.value;
  return {
    pos: answer.range ? offsetOf(view.state.doc, answer.range.start) : pos,
    end: answer.range ? offsetOf(view.state.doc, answer.range.end) : pos,
    create: () => {
      const dom = document.createElement("div");
      dom.className = "hover";
      dom.textContent = text.replace(/```\w*\n?/g, "");
      return { dom };
    },
  };
});

async function formatRules(): Promise<boolean> {
  const edits = await lsp.request<LspTextEdit[] | null>("textDocument/formatting", {
    textDocument: { uri: RULES_URI },
    options: { tabSize: 2, insertSpaces: true },
  });
  if (!edits || edits.length === 0) return true;
  const doc = rulesView.state.doc;
  rulesView.dispatch({ changes: edits.map((e) => ({ from: offsetOf(doc, e.range.start), to: offsetOf(doc, e.range.end), insert: e.newText })) });
  return true;
}

// Highlighting from the server's semantic tokens, asked for after each check and mapped through edits meanwhile.
const setTokens = StateEffect.define<DecorationSet>();
const tokenField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(value, transaction) {
    let next = value.map(transaction.changes);
    for (const effect of transaction.effects) if (effect.is(setTokens)) next = effect.value;
    return next;
  },
  provide: (field) => EditorView.decorations.from(field),
});
const tokenMarks = new Map<string, Decoration>();

async function refreshTokens(version: number): Promise<void> {
  const answer = await lsp.request<{ data: number[] } | null>("textDocument/semanticTokens/full", { textDocument: { uri: RULES_URI } });
  if (!answer || version !== documentVersion) return;
  const doc = rulesView.state.doc;
  const marks: Range<Decoration>[] = [];
  let line = 0;
  let character = 0;
  for (let i = 0; i + 4 < answer.data.length; i += 5) {
    const [deltaLine, deltaStart, length, type] = answer.data.slice(i, i + 4) as [number, number, number, number];
    line += deltaLine;
    character = deltaLine === 0 ? character + deltaStart : deltaStart;
    const name = tokenTypes[type];
    if (!name || line >= doc.lines) continue;
    const from = offsetOf(doc, { line, character });
    const to = Math.min(from + length, doc.line(line + 1).to);
    if (to <= from) continue;
    let mark = tokenMarks.get(name);
    if (!mark) tokenMarks.set(name, (mark = Decoration.mark({ class: `tok-${name}` })));
    marks.push(mark.range(from, to));
  }
  rulesView.dispatch({ effects: setTokens.of(Decoration.set(marks, true)) });
}

const rulesView = new EditorView({
  parent: $("#rules-editor"),
  state: EditorState.create({
    doc: "",
    extensions: [
      lineNumbers(),
      highlightActiveLineGutter(),
      highlightActiveLine(),
      history(),
      bracketMatching(),
      lintGutter(),
      tokenField,
      autocompletion({ override: [complete] }),
      hover,
      keymap.of([{ key: "Shift-Alt-f", run: () => (void formatRules(), true) }, ...defaultKeymap, ...historyKeymap]),
      EditorView.contentAttributes.of({ "aria-label": "Rules (.promo)" }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) rulesChanged();
        if (update.selectionSet || update.docChanged) {
          const line = update.state.doc.lineAt(update.state.selection.main.head);
          $("#rules").dataset["cursorLine"] = String(line.number);
        }
      }),
    ],
  }),
});

// ---- The cart editor: JSON syntax errors, and the cart's validation errors at the value their JSON pointer names ----

type SyntaxNode = NonNullable<ReturnType<typeof ensureSyntaxTree>>["topNode"];
const JSON_VALUES = new Set(["Object", "Array", "String", "Number", "True", "False", "Null"]);

/** The span of the value a JSON pointer (`/lines/0/unitPrice`) names in the cart's text, or its nearest parent's. */
function pointerSpan(state: EditorState, pointer: string): { from: number; to: number } {
  const tree = ensureSyntaxTree(state, state.doc.length, 200);
  let node: SyntaxNode | null = tree?.topNode.firstChild ?? null;
  while (node && !JSON_VALUES.has(node.name)) node = node.nextSibling;
  if (!node) return { from: 0, to: Math.min(1, state.doc.length) };
  const segments =
    pointer === ""
      ? []
      : pointer
          .slice(1)
          .split("/")
          .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  for (const segment of segments) {
    let next: SyntaxNode | null = null;
    if (node.name === "Object") {
      for (let property: SyntaxNode | null = node.firstChild; property && !next; property = property.nextSibling) {
        if (property.name !== "Property") continue;
        const name: SyntaxNode | null = property.getChild("PropertyName");
        let key: unknown;
        try {
          key = name ? JSON.parse(state.sliceDoc(name.from, name.to)) : undefined;
        } catch {
          key = undefined;
        }
        if (key === segment) {
          let value: SyntaxNode | null = property.lastChild;
          while (value && !JSON_VALUES.has(value.name)) value = value.prevSibling;
          next = value ?? name;
        }
      }
    } else if (node.name === "Array") {
      const items: SyntaxNode[] = [];
      for (let item: SyntaxNode | null = node.firstChild; item; item = item.nextSibling) if (JSON_VALUES.has(item.name)) items.push(item);
      next = items[Number(segment)] ?? null;
    }
    if (!next) break;
    node = next;
  }
  return { from: node.from, to: node.to };
}

/** The cart errors of the newest evaluation, kept with the text they are about. */
let cartProblems: { text: string; errors: { path: string; message: string }[] } = { text: "", errors: [] };
const parseErrors = jsonParseLinter();
/** Dispatched to the cart editor when a new evaluation's cart errors arrive, so its linter runs again. */
const cartChecked = StateEffect.define<null>();
function cartLint(view: EditorView): EditorDiagnostic[] {
  const syntax = parseErrors(view);
  if (syntax.length > 0 || cartProblems.text !== view.state.doc.toString()) return syntax;
  return cartProblems.errors.map((e) => ({ ...pointerSpan(view.state, e.path), severity: "error" as const, source: e.path || "(root)", message: e.message }));
}

const cartView = new EditorView({
  parent: $("#cart-editor"),
  state: EditorState.create({
    doc: "",
    extensions: [
      lineNumbers(),
      highlightActiveLine(),
      history(),
      bracketMatching(),
      json(),
      syntaxHighlighting(defaultHighlightStyle),
      linter(cartLint, { delay: 150, needsRefresh: (update) => update.transactions.some((tr) => tr.effects.some((e) => e.is(cartChecked))) }),
      EditorView.lineWrapping,
      lintGutter(),
      keymap.of([...defaultKeymap, ...historyKeymap]),
      EditorView.contentAttributes.of({ "aria-label": "Cart (JSON)" }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) scheduleEvaluation();
      }),
    ],
  }),
});

let opened = false;
function rulesChanged(): void {
  documentVersion++;
  $("#rules").dataset["version"] = String(documentVersion);
  const text = rulesView.state.doc.toString();
  void initialized.then(() => {
    if (!opened) {
      opened = true;
      lsp.notify("textDocument/didOpen", { textDocument: { uri: RULES_URI, languageId: "promo", version: documentVersion, text } });
    } else {
      lsp.notify("textDocument/didChange", { textDocument: { uri: RULES_URI, version: documentVersion }, contentChanges: [{ text }] });
    }
  });
  scheduleEvaluation();
}

// The server's own log (a failed handler is logged, then answered with its fallback) goes to the browser console.
lsp.onNotification("window/logMessage", (raw) => {
  const { type, message } = raw as { type: number; message: string };
  if (type <= 2) console.warn(message);
});

lsp.onNotification("textDocument/publishDiagnostics", (raw) => {
  const params = raw as { uri: string; version?: number; diagnostics: LspDiagnostic[] };
  if (params.uri !== RULES_URI || (params.version !== undefined && params.version !== documentVersion)) return;
  const doc = rulesView.state.doc;
  const shown: EditorDiagnostic[] = params.diagnostics.map((d) => ({
    from: offsetOf(doc, d.range.start),
    to: Math.max(offsetOf(doc, d.range.end), offsetOf(doc, d.range.start)),
    severity: d.severity === 1 ? "error" : d.severity === 2 ? "warning" : "info",
    source: d.code === undefined ? undefined : String(d.code),
    message: d.message,
    // The diagnostic's quick fixes, applied as the server's code actions edit them.
    actions: (d.data?.fixes ?? []).map((fix) => ({ name: fix.title, apply: () => void applyFix(d, fix.title) })),
  }));
  rulesView.dispatch(setDiagnostics(rulesView.state, shown));
  renderDiagnostics(params.diagnostics, documentVersion);
  void refreshTokens(documentVersion);
});

/** Asks the server for a diagnostic's code actions and applies the one with the fix's title. */
async function applyFix(diagnostic: LspDiagnostic, title: string): Promise<void> {
  const version = documentVersion;
  const actions = await lsp.request<{ title: string; edit?: { changes?: Record<string, LspTextEdit[]> } }[] | null>("textDocument/codeAction", {
    textDocument: { uri: RULES_URI },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic], only: ["quickfix"] },
  });
  const edits = actions?.find((a) => a.title === title)?.edit?.changes?.[RULES_URI];
  if (!edits || version !== documentVersion) return;
  const doc = rulesView.state.doc;
  rulesView.dispatch({ changes: edits.map((e) => ({ from: offsetOf(doc, e.range.start), to: offsetOf(doc, e.range.end), insert: e.newText })) });
}

function renderDiagnostics(diagnostics: LspDiagnostic[], version: number): void {
  const list = $("#diagnostics");
  list.replaceChildren(
    ...diagnostics.map((d) => {
      const item = document.createElement("li");
      const severity = d.severity === 1 ? "error" : d.severity === 2 ? "warning" : "info";
      item.dataset["line"] = String(d.range.start.line + 1);
      item.dataset["code"] = String(d.code ?? "");
      item.dataset["severity"] = severity;
      item.className = severity;
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = `${d.range.start.line + 1}:${d.range.start.character + 1}`;
      button.title = "Go to the problem";
      button.addEventListener("click", () => moveCursor(d.range.start.line + 1, d.range.start.character + 1));
      const text = document.createElement("span");
      text.textContent = ` ${severity} ${d.code ?? ""}: ${d.message}`;
      item.append(button, text);
      return item;
    }),
  );
  const errors = diagnostics.filter((d) => d.severity === 1).length;
  $("#diagnostics-summary").textContent =
    diagnostics.length === 0 ? "No problems" : `${errors} error${errors === 1 ? "" : "s"}, ${diagnostics.length - errors} other`;
  list.dataset["count"] = String(diagnostics.length);
  list.dataset["version"] = String(version);
  list.dataset["renderedAt"] = String(performance.now());
}

/** Puts the rules editor's cursor at a 1-based line and column and scrolls it into view. */
function moveCursor(line: number, column: number): void {
  const doc = rulesView.state.doc;
  const target = doc.line(Math.min(Math.max(line, 1), doc.lines));
  const pos = Math.min(target.from + Math.max(column - 1, 0), target.to);
  rulesView.dispatch({ selection: EditorSelection.cursor(pos), effects: EditorView.scrollIntoView(pos, { y: "center" }) });
  rulesView.focus();
}

// ---- Pricing in the worker, debounced as the user types ----

let evaluationTimer: ReturnType<typeof setTimeout> | undefined;
let evaluationId = 0;
let evaluatedCart = "";
function scheduleEvaluation(): void {
  clearTimeout(evaluationTimer);
  // The first price is asked for at once; later ones wait for a pause in typing.
  const delay = document.body.dataset["firstResult"] ? 120 : 0;
  evaluationTimer = setTimeout(() => {
    evaluationId++;
    evaluatedCart = cartView.state.doc.toString();
    worker.postMessage({ type: "evaluate", id: evaluationId, rules: rulesView.state.doc.toString(), cart: evaluatedCart });
  }, delay);
  scheduleShare();
}

worker.onmessage = (event: MessageEvent<{ type: "evaluation"; id: number; evaluation: Evaluation }>) => {
  if (event.data.type !== "evaluation" || event.data.id !== evaluationId) return;
  renderEvaluation(event.data.evaluation);
};

function element(tag: string, text?: string, className?: string): HTMLElement {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function renderEvaluation(evaluation: Evaluation): void {
  const panel = $("#result");
  panel.dataset["status"] = evaluation.status;
  panel.dataset["seq"] = String(evaluationId);
  const cartErrors = $("#cart-errors");
  cartErrors.replaceChildren();
  cartProblems = { text: evaluatedCart, errors: evaluation.status === "cart-errors" ? evaluation.errors : [] };
  cartView.dispatch({ effects: cartChecked.of(null) });
  if (evaluation.status === "rule-errors") {
    panel.classList.add("stale");
    $("#result-note").textContent =
      `The rules have ${evaluation.errors} error${evaluation.errors === 1 ? "" : "s"}: fix ${evaluation.errors === 1 ? "it" : "them"} to price the cart.`;
  } else if (evaluation.status === "cart-errors") {
    panel.classList.add("stale");
    $("#result-note").textContent = "The cart is not valid: see the errors under it.";
    for (const e of evaluation.errors) {
      const item = element("li", `${e.path === "" ? "(root)" : e.path}: ${e.message.replace(/^\S*: /, "")}`);
      item.dataset["path"] = e.path;
      cartErrors.append(item);
    }
  } else {
    panel.classList.remove("stale");
    $("#result-note").textContent = "";
    renderResult(evaluation.result);
  }
  if (evaluation.status !== "rule-errors") renderExamples(evaluation.examples);
  if (!document.body.dataset["firstResult"]) document.body.dataset["firstResult"] = String(performance.now());
}

function renderResult(result: PricingResult): void {
  const money = (amount: string) => `${amount} ${result.currency}`;
  $("#total").textContent = money(result.total);
  $("#total").dataset["amount"] = result.total;
  const totals = $("#totals");
  const rows: [string, string][] = [
    ["subtotal", money(result.subtotal)],
    ["discount", money(result.discount)],
    ...(result.coins.used > 0 || result.coins.earned > 0
      ? ([["coins", `${money(result.coins.amount)} (${result.coins.used} used, ${result.coins.earned} earned)`]] as [string, string][])
      : []),
    ["shipping", money(result.shipping)],
    ["total", money(result.total)],
  ];
  totals.replaceChildren(...rows.map(([label, value]) => row("th", label, value)));

  const lines = $("#lines tbody");
  lines.replaceChildren(
    ...result.lines.map((l) => {
      const tr = document.createElement("tr");
      for (const cell of [l.id, l.subtotal, l.discount, l.total]) tr.append(element("td", cell));
      return tr;
    }),
  );

  const applied = $("#applied");
  applied.replaceChildren(
    ...result.applied.map((a) => {
      const item = element("li");
      item.dataset["id"] = a.id;
      item.append(element("strong", a.id), element("span", ` −${money(a.amount)} `, "amount"), element("span", a.kind, "kind"));
      if (a.shipping !== undefined) item.append(element("span", ` shipping ${money(a.shipping)}`, "kind"));
      if (a.title) item.append(element("div", a.title, "title"));
      if (a.lines.length > 0) item.append(element("div", a.lines.map((l) => `${l.line} ${money(l.amount)}`).join(" · "), "per-line"));
      return item;
    }),
  );
  if (result.applied.length === 0) applied.append(element("li", "none", "none"));

  const rejected = $("#rejected");
  rejected.replaceChildren(
    ...result.rejected.map((r) => {
      const item = element("li");
      item.dataset["id"] = r.id;
      item.dataset["reason"] = r.reason;
      const link = element("button", r.id, "rule-link") as HTMLButtonElement;
      link.type = "button";
      link.dataset["line"] = String(r.source.line);
      link.title = `Go to ${r.id} (line ${r.source.line})`;
      link.addEventListener("click", () => moveCursor(r.source.line, r.source.column));
      item.append(link, element("span", ` ${r.reason}`, "reason"), element("div", r.message, "message"));
      return item;
    }),
  );
  if (result.rejected.length === 0) rejected.append(element("li", "none", "none"));
  $("#not-optimal").hidden = result.optimal;
}

function row(head: string, label: string, value: string): HTMLTableRowElement {
  const tr = document.createElement("tr");
  tr.append(element(head, label), element("td", value));
  tr.dataset["row"] = label;
  return tr;
}

function renderExamples(runs: { name: string; line: number; passed: boolean; differences: string[] }[]): void {
  const list = $("#examples-run");
  list.replaceChildren(
    ...runs.map((run) => {
      const item = element("li", undefined, run.passed ? "pass" : "fail");
      const link = element("button", `${run.passed ? "✓" : "✗"} ${run.name}`, "rule-link") as HTMLButtonElement;
      link.type = "button";
      link.addEventListener("click", () => moveCursor(run.line, 1));
      item.append(link);
      for (const d of run.differences) item.append(element("div", d, "message"));
      return item;
    }),
  );
  const passed = runs.filter((r) => r.passed).length;
  $("#examples-summary").textContent = runs.length === 0 ? "none in the rules" : `${passed} of ${runs.length} pass`;
}

// ---- Examples menu and the shared URL ----

function setEditor(view: EditorView, text: string): void {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, selection: EditorSelection.cursor(0) });
}

function loadExample(value: string): boolean {
  const [name, cartName] = value.split("/");
  const example = EXAMPLES.find((e) => e.name === name);
  const cart = example?.carts.find((c) => c.name === cartName) ?? example?.carts[0];
  if (!example || !cart) return false;
  setEditor(rulesView, example.rules);
  setEditor(cartView, cart.text);
  ($("#example") as HTMLSelectElement).value = `${example.name}/${cart.name}`;
  return true;
}

const select = $("#example") as HTMLSelectElement;
for (const example of EXAMPLES) {
  const group = document.createElement("optgroup");
  group.label = example.title;
  for (const cart of example.carts) {
    const option = document.createElement("option");
    option.value = `${example.name}/${cart.name}`;
    option.textContent = `${example.name}: ${cart.name.replace(/-/g, " ")}`;
    group.append(option);
  }
  select.append(group);
}
select.addEventListener("change", () => loadExample(select.value));

let shareTimer: ReturnType<typeof setTimeout> | undefined;
function scheduleShare(): void {
  clearTimeout(shareTimer);
  shareTimer = setTimeout(() => void share(), 250);
}
async function share(): Promise<string> {
  const fragment = await encodeState({ rules: rulesView.state.doc.toString(), cart: cartView.state.doc.toString() });
  window.history.replaceState(null, "", `#${fragment}`);
  ($("#share-url") as HTMLInputElement).value = location.href;
  document.body.dataset["shared"] = fragment.slice(0, 16);
  return location.href;
}
$("#share").addEventListener("click", async () => {
  const url = await share();
  const input = $("#share-url") as HTMLInputElement;
  input.hidden = false;
  input.select();
  try {
    await navigator.clipboard.writeText(url);
    $("#share-status").textContent = "Link copied";
  } catch {
    $("#share-status").textContent = "Copy the link above";
  }
});
$("#format").addEventListener("click", () => void formatRules());

async function restore(): Promise<void> {
  const state = await decodeState(location.hash);
  if (state) {
    setEditor(rulesView, state.rules);
    setEditor(cartView, state.cart);
    // The menu names the example a link holds unchanged, else "your own rules".
    const same = EXAMPLES.flatMap((e) => e.carts.filter((c) => e.rules === state.rules && c.text === state.cart).map((c) => `${e.name}/${c.name}`));
    select.value = same[0] ?? "";
  } else {
    const wanted = /^#example=(.+)$/.exec(location.hash)?.[1];
    if (!wanted || !loadExample(decodeURIComponent(wanted))) loadExample(DEFAULT_EXAMPLE);
  }
}
// A link pasted into the same tab changes only the fragment (the page's own updates use replaceState, which fires no event).
window.addEventListener("hashchange", () => void restore());
void restore();

/** Read-only access to the editors' text, for tests and the benchmark (the editors render only the lines in view). */
(window as unknown as { promoPlayground: unknown }).promoPlayground = {
  rules: () => rulesView.state.doc.toString(),
  cart: () => cartView.state.doc.toString(),
};
