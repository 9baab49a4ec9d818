/**
 * A light JavaScript tokenizer and an inertness check for generated bundles.
 *
 * The tokenizer knows just enough of the lexical grammar to tell code from
 * data: string literals, template literals (with nested `${}` code), regular
 * expression literals, comments, identifiers (including `\u` escapes and
 * non-ASCII letters), numbers and punctuators. It does not parse.
 *
 * Limitation — `/`: whether a slash starts a regular expression or is a
 * division depends on the grammar. The heuristic looks at the previous
 * significant token: after an identifier, number, string, template, regex,
 * `)`, `]` or `}` it is a division, except after the keywords that end in an
 * expression position (`return`, `typeof`, `case`, …), where it is a regex;
 * after any other punctuator (or at the start) it is a regex. A regex that
 * does not close on its line falls back to division. Known mis-readings:
 * a regex right after `)` (`if (x) /re/.test(s)`) or after a block's `}`
 * (`} /re/.test(s)`) is read as division. esbuild's printer never produces
 * those shapes for the code we bundle, and when the tokenizer does get lost
 * (an unterminated literal or comment, an unknown character) the scan
 * reports a violation rather than passing the code.
 */

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

/** Keywords after which a `/` starts a regular expression. */
const REGEX_AFTER_KEYWORD = new Set(["return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else", "yield", "await"]);

/** Punctuators, longest first. */
const PUNCTUATORS = [
  ">>>=",
  "...",
  "===",
  "!==",
  "**=",
  "<<=",
  ">>=",
  ">>>",
  "&&=",
  "||=",
  "??=",
  "=>",
  "==",
  "!=",
  "<=",
  ">=",
  "&&",
  "||",
  "??",
  "++",
  "--",
  "+=",
  "-=",
  "*=",
  "%=",
  "&=",
  "|=",
  "^=",
  "**",
  "<<",
  ">>",
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  ";",
  ",",
  "<",
  ">",
  "+",
  "-",
  "*",
  "%",
  "&",
  "|",
  "^",
  "!",
  "~",
  "?",
  ":",
  "=",
  ".",
  "@",
];

/** Punctuators by first character, longest first (looked up per character rather than tried one by one). */
const PUNCTUATORS_BY_FIRST = new Map<string, string[]>();
for (const p of PUNCTUATORS) {
  const list = PUNCTUATORS_BY_FIRST.get(p[0]!) ?? [];
  list.push(p);
  PUNCTUATORS_BY_FIRST.set(p[0]!, list);
}

/** ASCII letters, digits, `$` and `_`: the identifier characters of nearly all generated code. */
function isAsciiIdentifierPart(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 36 || code === 95;
}

const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;
const DOUBLE_QUOTED_STOP = /["\\\n\r]/g;
const SINGLE_QUOTED_STOP = /['\\\n\r]/g;
const WHITESPACE = /[\s\uFEFF]/;
const ID_START = /[\p{ID_Start}$_]/u;
const ID_CONTINUE = /[\p{ID_Continue}$\u200C\u200D]/u;
const NUMBER = /(?:0[xX][\da-fA-F_]*|0[oO][0-7_]*|0[bB][01_]*|\d[\d_]*(?:\.[\d_]*)?(?:[eE][+-]?[\d_]+)?|\.\d[\d_]*(?:[eE][+-]?[\d_]+)?)n?/y;

function readUnicodeEscape(source: string, at: number): { char: string; end: number } {
  // source[at] === "\\", source[at + 1] === "u"
  if (source[at + 1] !== "u") throw new ScanError("bad escape in identifier", at);
  if (source[at + 2] === "{") {
    const close = source.indexOf("}", at + 3);
    const hex = close < 0 ? "" : source.slice(at + 3, close);
    if (!/^[\da-fA-F]{1,6}$/.test(hex) || Number.parseInt(hex, 16) > 0x10ffff) throw new ScanError("bad \\u{} escape", at);
    return { char: String.fromCodePoint(Number.parseInt(hex, 16)), end: close + 1 };
  }
  const hex = source.slice(at + 2, at + 6);
  if (!/^[\da-fA-F]{4}$/.test(hex)) throw new ScanError("bad \\u escape", at);
  return { char: String.fromCharCode(Number.parseInt(hex, 16)), end: at + 6 };
}

/** Decodes the body of a string literal (between the quotes). */
function decodeString(body: string): string {
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch !== "\\") {
      out += ch;
      continue;
    }
    const next = body[++i] ?? "";
    switch (next) {
      case "n":
        out += "\n";
        break;
      case "r":
        out += "\r";
        break;
      case "t":
        out += "\t";
        break;
      case "b":
        out += "\b";
        break;
      case "f":
        out += "\f";
        break;
      case "v":
        out += "\v";
        break;
      case "0":
        out += "\0";
        break;
      case "x":
        out += String.fromCharCode(Number.parseInt(body.slice(i + 1, i + 3), 16));
        i += 2;
        break;
      case "u": {
        const { char, end } = readUnicodeEscape(body, i - 1);
        out += char;
        i = end - 1;
        break;
      }
      case "\r":
        if (body[i + 1] === "\n") i++;
        break;
      case "\n":
      case "\u2028":
      case "\u2029":
        break;
      default:
        out += next;
    }
  }
  return out;
}

/** Splits JavaScript source into tokens (comments included). Throws {@link ScanError} when lost. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  /** One entry per open `{` or template `${`, so a `}` knows whether it resumes a template. */
  const braces: ("brace" | "template")[] = [];
  let pos = 0;
  let lastSignificant: Token | undefined;

  const push = (kind: TokenKind, start: number, end: number, value?: string): void => {
    const text = source.slice(start, end);
    const token: Token = { kind, text, value: value ?? text, start, end };
    tokens.push(token);
    if (kind !== "comment") lastSignificant = token;
  };

  /** Scans template characters from `from` (just after `` ` `` or `}`) to the closing backtick or a `${`. */
  const templateChunk = (start: number, from: number): void => {
    let i = from;
    for (;;) {
      const ch = source[i];
      if (ch === undefined) throw new ScanError("unterminated template literal", start);
      if (ch === "\\") {
        i += 2;
        continue;
      }
      if (ch === "`") {
        push("template", start, i + 1);
        pos = i + 1;
        return;
      }
      if (ch === "$" && source[i + 1] === "{") {
        push("template", start, i + 2);
        braces.push("template");
        pos = i + 2;
        return;
      }
      i++;
    }
  };

  const regexAllowed = (): boolean => {
    const prev = lastSignificant;
    if (prev === undefined) return true;
    switch (prev.kind) {
      case "ident":
        return REGEX_AFTER_KEYWORD.has(prev.value) && prev.text === prev.value;
      case "punct":
        return prev.text !== ")" && prev.text !== "]" && prev.text !== "}";
      case "template":
        // A chunk ending in "${" is followed by an expression.
        return prev.text.endsWith("${");
      default:
        return false;
    }
  };

  /** Tries to scan a regex literal at `pos`; returns its end or -1 if it does not close on this line. */
  const regexEnd = (): number => {
    let i = pos + 1;
    let inClass = false;
    for (;;) {
      const ch = source[i];
      if (ch === undefined || LINE_TERMINATOR.test(ch)) return -1;
      if (ch === "\\") {
        const escaped = source[i + 1];
        if (escaped === undefined || LINE_TERMINATOR.test(escaped)) return -1;
        i += 2;
        continue;
      }
      if (inClass) {
        if (ch === "]") inClass = false;
      } else if (ch === "[") {
        inClass = true;
      } else if (ch === "/") {
        i++;
        while (i < source.length && ID_CONTINUE.test(source[i] as string)) i++;
        return i;
      }
      i++;
    }
  };

  if (source.startsWith("#!")) {
    let end = 2;
    while (end < source.length && !LINE_TERMINATOR.test(source[end] as string)) end++;
    push("comment", 0, end);
    pos = end;
  }

  while (pos < source.length) {
    const ch = source[pos] as string;
    const start = pos;

    if (ch === " " || ch === "\n" || WHITESPACE.test(ch)) {
      pos++;
      continue;
    }

    // comments
    if (ch === "/" && source[pos + 1] === "/") {
      let end = pos + 2;
      while (end < source.length && !LINE_TERMINATOR.test(source[end] as string)) end++;
      push("comment", start, end);
      pos = end;
      continue;
    }
    if (ch === "/" && source[pos + 1] === "*") {
      const close = source.indexOf("*/", pos + 2);
      if (close < 0) throw new ScanError("unterminated comment", start);
      push("comment", start, close + 2);
      pos = close + 2;
      continue;
    }

    // regular expressions
    if (ch === "/" && regexAllowed()) {
      const end = regexEnd();
      if (end >= 0) {
        push("regex", start, end);
        pos = end;
        continue;
      }
    }

    // strings
    if (ch === '"' || ch === "'") {
      const stop = ch === '"' ? DOUBLE_QUOTED_STOP : SINGLE_QUOTED_STOP;
      let i = pos + 1;
      for (;;) {
        // Jump to the next character that matters: the closing quote, a backslash or a line break.
        stop.lastIndex = i;
        i = stop.exec(source) === null ? source.length : stop.lastIndex - 1;
        const c = source[i];
        if (c === undefined || c === "\n" || c === "\r") throw new ScanError("unterminated string literal", start);
        if (c === "\\") {
          i += source[i + 1] === "\r" && source[i + 2] === "\n" ? 3 : 2;
          continue;
        }
        break;
      }
      const body = source.slice(start + 1, i);
      push("string", start, i + 1, body.includes("\\") ? decodeString(body) : body);
      pos = i + 1;
      continue;
    }

    // templates
    if (ch === "`") {
      templateChunk(start, pos + 1);
      continue;
    }
    if (ch === "}" && braces.length > 0 && braces[braces.length - 1] === "template") {
      braces.pop();
      templateChunk(start, pos + 1);
      continue;
    }

    // numbers
    if (/\d/.test(ch) || (ch === "." && /\d/.test(source[pos + 1] ?? ""))) {
      NUMBER.lastIndex = pos;
      const m = NUMBER.exec(source);
      if (m === null) throw new ScanError("bad number", start);
      pos += m[0].length;
      push("number", start, pos);
      continue;
    }

    // identifiers and private names
    const isPrivate = ch === "#";
    let i = isPrivate ? pos + 1 : pos;
    const firstCode = source.charCodeAt(i);
    if (isAsciiIdentifierPart(firstCode) && !(firstCode >= 48 && firstCode <= 57)) {
      // ASCII fast path; an escape or a non-ASCII character sends the name through the general path below.
      let end = i + 1;
      while (end < source.length && isAsciiIdentifierPart(source.charCodeAt(end))) end++;
      const after = source.charCodeAt(end);
      if (!(after === 92 || after > 127)) {
        push(isPrivate ? "private" : "ident", start, end, source.slice(i, end));
        pos = end;
        continue;
      }
    }
    const first = source.codePointAt(i);
    if (first !== undefined && (ID_START.test(String.fromCodePoint(first)) || source[i] === "\\")) {
      let name = "";
      let startChar = true;
      for (;;) {
        const cp = source.codePointAt(i);
        if (cp === undefined) break;
        if (source[i] === "\\") {
          const { char, end } = readUnicodeEscape(source, i);
          if (!(startChar ? ID_START : ID_CONTINUE).test(char)) throw new ScanError("bad identifier escape", i);
          name += char;
          i = end;
        } else {
          const c = String.fromCodePoint(cp);
          if (!(startChar ? ID_START : ID_CONTINUE).test(c)) break;
          name += c;
          i += c.length;
        }
        startChar = false;
      }
      push(isPrivate ? "private" : "ident", start, i, name);
      pos = i;
      continue;
    }

    // punctuators
    if (ch === "?" && source[pos + 1] === "." && !/\d/.test(source[pos + 2] ?? "")) {
      push("punct", start, pos + 2);
      pos += 2;
      continue;
    }
    if (ch === "/") {
      const len = source[pos + 1] === "=" ? 2 : 1;
      push("punct", start, pos + len);
      pos += len;
      continue;
    }
    const punct = PUNCTUATORS_BY_FIRST.get(ch)?.find((p) => source.startsWith(p, pos));
    if (punct === undefined) throw new ScanError(`unexpected character ${JSON.stringify(ch)}`, start);
    if (punct === "{") braces.push("brace");
    if (punct === "}") braces.pop();
    push("punct", start, pos + punct.length);
    pos += punct.length;
  }
  if (braces.includes("template")) throw new ScanError("unterminated template literal", source.length);
  return tokens;
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
 * `eval` or `Function` is flagged. Source the tokenizer cannot follow yields
 * a single "could not scan" violation.
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
