/**
 * A JavaScript tokenizer and an inertness check for generated bundles.
 *
 * Tokens come from acorn, a real JavaScript parser: the source is parsed as an ES module and every token and
 * comment it reads is kept. Parsing (not only tokenizing) settles every lexical ambiguity the grammar leaves to
 * context — whether `/` starts a regular expression or divides, where a template literal's `${}` code ends — so
 * string, template and regex literal text is never mistaken for code, nor code for data. Source that does not
 * parse yields a {@link ScanError}, and the scan reports it rather than passing the code.
 */
import { parse, tokTypes, type Token as AcornToken } from "acorn";

export type TokenKind = "ident" | "private" | "punct" | "string" | "template" | "number" | "regex" | "comment";

export interface Token {
  kind: TokenKind;
  /** Source text of the token. */
  text: string;
  /** Decoded identifier name (for `ident`/`private`) or string value (for `string`); otherwise the text. */
  value: string;
  /** Offset of the first character. */
  start: number;
  /** Offset after the last character. */
  end: number;
}

export class ScanError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = "ScanError";
  }
}

/** Splits JavaScript source (an ES module) into tokens, comments included. Throws {@link ScanError} when it does not parse. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const onToken = (t: AcornToken): void => {
    if (t.type === tokTypes.eof) return;
    const text = source.slice(t.start, t.end);
    // acorn's value: the decoded name of an identifier or keyword, the value of a string (cooked text, numbers and
    // regex objects for other tokens, where the source text is kept instead).
    const value: unknown = (t as AcornToken & { value?: unknown }).value;
    const decoded = typeof value === "string" && t.type !== tokTypes.template && t.type !== tokTypes.invalidTemplate;
    tokens.push({ kind: kindOf(t), text, value: decoded ? value : text, start: t.start, end: t.end });
  };
  const onComment = (_block: boolean, _text: string, start: number, end: number): void => {
    const text = source.slice(start, end);
    tokens.push({ kind: "comment", text, value: text, start, end });
  };
  try {
    parse(source, { ecmaVersion: "latest", sourceType: "module", onToken, onComment, allowHashBang: true, allowReturnOutsideFunction: true });
  } catch (error) {
    if (error instanceof SyntaxError) throw new ScanError(error.message, (error as SyntaxError & { pos?: number }).pos ?? 0);
    throw error;
  }
  return tokens.sort((x, y) => x.start - y.start);
}

function kindOf(t: AcornToken): TokenKind {
  const type = t.type;
  if (type === tokTypes.name || type.keyword !== undefined) return "ident";
  if (type === tokTypes.privateId) return "private";
  if (type === tokTypes.string) return "string";
  if (type === tokTypes.num) return "number";
  if (type === tokTypes.regexp) return "regex";
  if (type === tokTypes.template || type === tokTypes.invalidTemplate || type === tokTypes.backQuote || type === tokTypes.dollarBraceL) return "template";
  return "punct";
}

function lineColumn(source: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  return `${line}:${offset - lineStart + 1}`;
}

export interface InertnessOptions {
  /**
   * Accept static `import … from` / `export … from` declarations (for
   * checking an entry module before bundling). A finished bundle is
   * self-contained, so by default they are violations.
   */
  allowStaticImports?: boolean;
}

/**
 * Scans JavaScript source for constructs an inert promotion bundle must not
 * contain. Only code is examined: string, template and regex literal text and
 * comments are skipped, so data that mentions `eval(` does not count (the
 * `${}` parts of templates are code and are examined). Each violation is
 * reported as `"<line>:<column> <what>"`. Flagged:
 *
 *  - `eval` (any use of the identifier, including `x.eval`)
 *  - `Function` (any use: `new Function`, `Function(…)`, `x.Function`)
 *  - `require` (any non-member reference)
 *  - `process` (any non-member reference, e.g. `process.exit`, `process[k]`)
 *  - `import(` (dynamic import) and `import.meta`
 *  - static `import`/`export … from` unless `allowStaticImports`
 *  - `globalThis[`
 *  - `__proto__` as code: an identifier (`x.__proto__`, `{ __proto__: p }`)
 *    or a quoted non-computed object-literal key (`{ "__proto__": p }`),
 *    both of which reach or set a prototype. The computed key
 *    `["__proto__"]: v` and `"__proto__"` as plain data are fine.
 *
 * Known false positives: an object-literal method or class member named
 * `eval` or `Function` is flagged. Source that does not parse as an ES module
 * yields a single "could not scan" violation.
 */
export function inertnessViolations(source: string, options: InertnessOptions = {}): string[] {
  let tokens: Token[];
  try {
    tokens = tokenize(source);
  } catch (error) {
    if (error instanceof ScanError) return [`${lineColumn(source, error.offset)} could not scan: ${error.message}`];
    throw error;
  }
  return inertnessViolationsOfTokens(source, tokens, options);
}

/** {@link inertnessViolations} over tokens already read from `source`. */
function inertnessViolationsOfTokens(source: string, tokens: readonly Token[], options: InertnessOptions = {}): string[] {
  const sig = tokens.filter((t) => t.kind !== "comment");
  const out: string[] = [];
  const report = (token: Token, what: string): void => {
    out.push(`${lineColumn(source, token.start)} ${what}`);
  };
  const isPunct = (token: Token | undefined, ...texts: string[]): boolean => token?.kind === "punct" && texts.includes(token.text);

  for (let i = 0; i < sig.length; i++) {
    const t = sig[i] as Token;
    const prev = sig[i - 1];
    const next = sig[i + 1];
    const isMember = isPunct(prev, ".", "?.");
    const isKey = isPunct(prev, "{", ",") && isPunct(next, ":");

    if (t.kind === "string") {
      if (t.value === "__proto__" && isKey) report(t, "__proto__ as an object-literal key (sets the prototype)");
      continue;
    }
    if (t.kind !== "ident") continue;

    switch (t.value) {
      case "eval":
        report(t, "eval");
        break;
      case "Function":
        report(t, isPunct(prev, ".", "?.") ? "Function (member)" : sig[i - 1]?.value === "new" ? "new Function" : "Function");
        break;
      case "require":
        if (!isMember && !isKey) report(t, "require");
        break;
      case "process":
        if (!isMember && !isKey) report(t, "process");
        break;
      case "globalThis":
        if (!isMember && isPunct(next, "[")) report(t, "globalThis[");
        break;
      case "__proto__":
        report(t, "__proto__");
        break;
      case "import":
        if (isMember || isKey || t.text !== "import") break;
        if (isPunct(next, "(")) report(t, "import( (dynamic import)");
        else if (isPunct(next, ".")) report(t, "import.meta");
        else if (!options.allowStaticImports) report(t, "static import (a bundle must be self-contained)");
        break;
      case "export": {
        if (isMember || isKey || options.allowStaticImports || t.text !== "export") break;
        if (isPunct(next, "*")) {
          report(t, "export … from (a bundle must be self-contained)");
        } else if (isPunct(next, "{")) {
          let j = i + 2;
          while (j < sig.length && !isPunct(sig[j], "}")) j++;
          const after = sig[j + 1];
          if (after?.kind === "ident" && after.value === "from") report(t, "export … from (a bundle must be self-contained)");
        }
        break;
      }
      default:
        break;
    }
  }
  return out;
}
