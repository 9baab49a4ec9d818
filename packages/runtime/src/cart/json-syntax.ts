/**
 * Finds where JSON text first breaks the grammar (RFC 8259), for a message with a position.
 * `JSON.parse` does the parsing; this only runs after it failed, because V8's messages do not
 * always carry a position ("Unexpected token '}', "…" is not valid JSON"). Iterative, so deeply
 * nested input cannot overflow the stack.
 */

export interface JsonSyntaxProblem {
  /** Index into the text (UTF-16 code units), 0-based. */
  position: number;
  /** 1-based. */
  line: number;
  column: number;
  message: string;
}

type Expect = "value" | "firstKey" | "key" | "colon" | "afterValue" | "firstItem";

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);

function shown(char: string | undefined): string {
  if (char === undefined) return "the end of the text";
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return `the control character U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return JSON.stringify(char);
}

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < position && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: position - lineStart + 1 };
}

/** Length of the string token starting at `start` (a `"`), or a problem. */
function scanString(text: string, start: number): number | { position: number; message: string } {
  let i = start + 1;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '"') return i + 1 - start;
    if (char === "\\") {
      const escape = text[i + 1];
      if (escape === "u") {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          return { position: i, message: "a \\u escape needs four hexadecimal digits" };
        }
        i += 6;
        continue;
      }
      if (escape === undefined || !'"\\/bfnrt'.includes(escape)) {
        return { position: i, message: `${shown(escape === undefined ? undefined : `\\${escape}`)} is not a valid escape in a string` };
      }
      i += 2;
      continue;
    }
    if (char.charCodeAt(0) < 0x20) {
      return { position: i, message: `${shown(char)} must be escaped inside a string` };
    }
    i++;
  }
  return { position: start, message: "this string is never closed" };
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

function scanNumber(text: string, start: number): number | { position: number; message: string } {
  NUMBER.lastIndex = start;
  const match = NUMBER.exec(text);
  if (match === null || match[0] === "-") return { position: start, message: "this is not a valid number" };
  const end = start + match[0].length;
  const next = text[end];
  if (next !== undefined && /[0-9.eE]/.test(next)) {
    return { position: start, message: 'this is not a valid number (JSON allows no leading zeros, no trailing "." and no ".5")' };
  }
  return match[0].length;
}

function scanValueToken(text: string, i: number): number | { position: number; message: string } {
  const char = text[i];
  if (char === '"') return scanString(text, i);
  if (char === "-" || (char !== undefined && char >= "0" && char <= "9")) return scanNumber(text, i);
  for (const word of ["true", "false", "null"]) {
    if (text.startsWith(word, i)) return word.length;
  }
  if (char !== undefined && /[A-Za-z]/.test(char)) {
    const word = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(text.slice(i, i + 40))?.[0] ?? char;
    return { position: i, message: `${JSON.stringify(word)} is not a JSON value (strings need double quotes)` };
  }
  if (char === "'") return { position: i, message: "strings need double quotes, not single quotes" };
  return { position: i, message: `expected a value but found ${shown(char)}` };
}

function locate(text: string): { position: number; message: string } | undefined {
  const stack: Array<"{" | "["> = [];
  let expect: Expect = "value";
  let done = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    while (i < text.length && WHITESPACE.has(text[i]!)) i++;
    const char = text[i];
    if (done) {
      return char === undefined ? undefined : { position: i, message: `unexpected ${shown(char)} after the end of the JSON value` };
    }
    if (char === undefined) {
      return {
        position: i,
        message: stack.length === 0 && expect === "value" && i === 0 ? "the text is empty" : "the text ends before the JSON value is complete",
      };
    }
    if (expect === "firstItem") {
      if (char === "]") {
        stack.pop();
        i++;
        expect = "afterValue";
        if (stack.length === 0) done = true;
        continue;
      }
      expect = "value";
    }
    switch (expect) {
      case "value": {
        if (char === "{") {
          stack.push("{");
          expect = "firstKey";
          i++;
          break;
        }
        if (char === "[") {
          stack.push("[");
          expect = "firstItem";
          i++;
          break;
        }
        if (expect === "value" && char === "]" && stack[stack.length - 1] === "[") {
          return { position: i, message: 'a trailing comma before "]" is not allowed' };
        }
        const length = scanValueToken(text, i);
        if (typeof length !== "number") return length;
        i += length;
        expect = "afterValue";
        break;
      }
      case "firstKey":
      case "key": {
        if (char === "}" && expect === "firstKey") {
          stack.pop();
          expect = "afterValue";
          i++;
          break;
        }
        if (char === "}") return { position: i, message: 'a trailing comma before "}" is not allowed' };
        if (char !== '"') return { position: i, message: `expected a property name in double quotes but found ${shown(char)}` };
        const length = scanString(text, i);
        if (typeof length !== "number") return length;
        i += length;
        expect = "colon";
        break;
      }
      case "colon":
        if (char !== ":") return { position: i, message: `expected ":" after a property name but found ${shown(char)}` };
        i++;
        expect = "value";
        break;
      case "afterValue": {
        const top = stack[stack.length - 1];
        if (top === undefined) {
          done = true;
          break;
        }
        const close = top === "{" ? "}" : "]";
        if (char === ",") {
          expect = top === "{" ? "key" : "value";
          i++;
        } else if (char === close) {
          stack.pop();
          i++;
        } else {
          const after = top === "{" ? "a property value" : "an array item";
          return { position: i, message: `expected "," or "${close}" after ${after} but found ${shown(char)}` };
        }
        break;
      }
    }
    if (expect === "afterValue" && stack.length === 0) done = true;
  }
}

/** Where and why `text` is not valid JSON, or undefined if it is (as far as the grammar goes). */
export function findJsonSyntaxProblem(text: string): JsonSyntaxProblem | undefined {
  const found = locate(text);
  if (found === undefined) return undefined;
  return { ...found, ...lineAndColumn(text, found.position) };
}
