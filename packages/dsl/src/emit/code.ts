/**
 * A safe builder for generated JavaScript source.
 *
 * Generated evaluators are assembled only from:
 *
 *  - the static text of `_` tagged templates, which is written by the
 *    compiler's authors and is the only place raw code comes from;
 *  - {@link Name}s, identifiers handed out by a {@link NameScope} from a
 *    fixed prefix and a counter (never from user text);
 *  - data (strings, finite numbers, booleans, null, arrays, plain objects),
 *    which is always emitted as an escaped literal.
 *
 * Text from a rule file (promotion ids, titles, codes, SKUs, messages…) can
 * therefore only ever reach the output as a JSON-quoted literal, never as an
 * identifier or as code. Anything that is not one of the above throws when
 * the code is built, not when it runs.
 *
 * Objects whose keys include `"__proto__"`: in an object literal the
 * non-computed key `"__proto__": v` sets the prototype instead of creating a
 * property, so such keys are emitted as the computed key `["__proto__"]: v`,
 * which (like `JSON.parse`) creates an ordinary own data property named
 * `__proto__` and leaves the prototype alone. See {@link literal}.
 *
 * Layout: line-structured helpers ({@link lines}, {@link block},
 * {@link indent}) indent by re-prefixing every line of a fragment. That is
 * sound because literals produced here never contain a raw line terminator
 * (JSON escapes `\n`/`\r`, and {@link safeStringify} escapes U+2028/U+2029);
 * static template text must therefore not contain multi-line template
 * literals, whose contents indentation would change.
 */

/** Module-private token guarding the constructors of {@link Code} and {@link Name}. */
const TRUSTED: unique symbol = Symbol("trusted");

/** An opaque fragment of JavaScript source. Create with `_`, never from a raw string. */
export class Code {
  readonly #src: string;

  /** @internal Only this module can construct fragments. */
  private constructor(token: typeof TRUSTED, src: string) {
    if (token !== TRUSTED) throw new TypeError("Code cannot be constructed from a raw string; use the _ template tag");
    this.#src = src;
    Object.freeze(this);
  }

  /** @internal */
  static trusted(token: typeof TRUSTED, src: string): Code {
    return new Code(token, src);
  }

  /** True for fragments created by this module (a brand check that a look-alike object cannot pass). */
  static is(value: unknown): value is Code {
    return typeof value === "object" && value !== null && #src in value;
  }

  /** True when the fragment is the empty string. */
  get isEmpty(): boolean {
    return this.#src === "";
  }

  toString(): string {
    return this.#src;
  }

  toJSON(): never {
    throw new TypeError("Code is not data; interpolate it with _ instead of serialising it");
  }
}

function code(src: string): Code {
  return Code.trusted(TRUSTED, src);
}

/** The empty fragment. */
export const nil: Code = code("");

/** Identifier shape accepted for {@link Name}s and for `.key` property access. */
export const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Words a {@link Name} may never be: ECMAScript reserved words (including
 * strict-mode and contextual ones), the global values that must not be
 * shadowed, and the globals generated code must never reference.
 */
const RESERVED: ReadonlySet<string> = new Set([
  // keywords and future reserved words
  "await",
  "break",
  "case",
  "catch",
  "class",
  "const",
  "continue",
  "debugger",
  "default",
  "delete",
  "do",
  "else",
  "enum",
  "export",
  "extends",
  "false",
  "finally",
  "for",
  "function",
  "if",
  "implements",
  "import",
  "in",
  "instanceof",
  "interface",
  "let",
  "new",
  "null",
  "package",
  "private",
  "protected",
  "public",
  "return",
  "static",
  "super",
  "switch",
  "this",
  "throw",
  "true",
  "try",
  "typeof",
  "var",
  "void",
  "while",
  "with",
  "yield",
  // contextual / restricted in strict code
  "arguments",
  "eval",
  "async",
  "of",
  "get",
  "set",
  // values that must keep their meaning
  "undefined",
  "NaN",
  "Infinity",
  // globals generated code must not name (see inertnessViolations)
  "Function",
  "require",
  "process",
  "globalThis",
  "module",
  "exports",
  "__proto__",
  "__dirname",
  "__filename",
]);

/** True when `text` is identifier-shaped and not reserved (a valid {@link Name}). */
export function isSafeIdentifier(text: string): boolean {
  return IDENTIFIER.test(text) && !RESERVED.has(text);
}

/** An identifier in generated code. Only a {@link NameScope} creates these. */
export class Name {
  readonly #id: string;

  /** @internal */
  private constructor(token: typeof TRUSTED, id: string) {
    if (token !== TRUSTED) throw new TypeError("Name cannot be constructed directly; use a NameScope");
    if (!isSafeIdentifier(id)) throw new TypeError(`not a safe identifier: ${JSON.stringify(id)}`);
    this.#id = id;
    Object.freeze(this);
  }

  /** @internal */
  static trusted(token: typeof TRUSTED, id: string): Name {
    return new Name(token, id);
  }

  /** True for names created by a {@link NameScope}. */
  static is(value: unknown): value is Name {
    return typeof value === "object" && value !== null && #id in value;
  }

  toString(): string {
    return this.#id;
  }

  toJSON(): never {
    throw new TypeError("Name is not data; interpolate it with _ instead of serialising it");
  }
}

/** Prefixes are short identifier stems that do not end in a digit (so `p1`+`1` can't meet `p`+`11`). */
const PREFIX = /^[A-Za-z_$](?:[A-Za-z0-9_$]{0,30}[A-Za-z_$])?$/;

/**
 * Hands out fresh, deterministic identifiers: `prefix` followed by a
 * per-prefix counter (`p0`, `p1`, `scope0`, …), skipping any identifier
 * already taken in this scope. The same sequence of calls always yields the
 * same names. Prefixes are compiler constants; user text is never a name.
 */
export class NameScope {
  readonly #taken = new Set<string>();
  readonly #counters = new Map<string, number>();

  /** @param reserved identifiers the scope must never hand out (e.g. names the runtime imports). */
  constructor(reserved: Iterable<string> = []) {
    for (const id of reserved) {
      if (!isSafeIdentifier(id)) throw new TypeError(`not a safe identifier: ${JSON.stringify(id)}`);
      this.#taken.add(id);
    }
  }

  /** A fresh name `prefix<n>`. */
  name(prefix: string): Name {
    if (!PREFIX.test(prefix)) throw new TypeError(`bad name prefix: ${JSON.stringify(prefix)}`);
    let n = this.#counters.get(prefix) ?? 0;
    let id = `${prefix}${n}`;
    while (this.#taken.has(id) || !isSafeIdentifier(id)) id = `${prefix}${++n}`;
    this.#counters.set(prefix, n + 1);
    this.#taken.add(id);
    return Name.trusted(TRUSTED, id);
  }

  /**
   * The exact identifier `id` (for fixed, well-known names such as an export
   * `evaluate` or an imported runtime helper). Throws if it is not a safe
   * identifier or was already handed out by this scope.
   */
  reserve(id: string): Name {
    if (!isSafeIdentifier(id)) throw new TypeError(`not a safe identifier: ${JSON.stringify(id)}`);
    if (this.#taken.has(id)) throw new Error(`identifier already taken in this scope: ${id}`);
    this.#taken.add(id);
    return Name.trusted(TRUSTED, id);
  }

  /** True if `id` has been handed out or reserved. */
  has(id: string): boolean {
    return this.#taken.has(id);
  }
}

// ---------------------------------------------------------------------------
// Literals

/** JSON data accepted as a literal. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** Anything `_` accepts in a `${}` slot. */
export type Interpolation = Code | Name | string | number | boolean | null | readonly Interpolation[] | { readonly [key: string]: Interpolation };

function describe(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "function") return "a function";
  if (typeof value === "object" && value !== null) {
    const proto: unknown = Object.getPrototypeOf(value);
    const ctor = proto !== null && typeof proto === "object" ? (proto as { constructor?: { name?: unknown } }).constructor : undefined;
    return typeof ctor?.name === "string" && ctor.name !== "" ? `a ${ctor.name}` : "an exotic object";
  }
  return `a ${typeof value} (${String(value)})`;
}

/**
 * Formats a number as a JS literal. Only finite numbers are accepted;
 * `-0` is kept as `-0`.
 */
export function formatNumber(value: number): string {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(`cannot emit non-finite number ${String(value)}`);
  }
  if (Object.is(value, -0)) return "-0";
  // String(n) is the shortest round-tripping form: digits, ".", "e", "+", "-".
  const text = String(value);
  if (!/^-?(?:\d+(?:\.\d+)?|\.\d+)(?:e[+-]\d+)?$/.test(text)) throw new TypeError(`unexpected number form ${text}`);
  return text;
}

const UNSAFE_IN_LITERAL = /[<>\u2028\u2029]/g;

function escapeUnsafe(json: string): string {
  return json.replace(UNSAFE_IN_LITERAL, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Validates that `value` is plain JSON data (no cycles, accessors, holes, symbols, non-finite numbers). */
function assertJson(value: unknown, stack: object[], path: string): void {
  switch (typeof value) {
    case "string":
    case "boolean":
      return;
    case "number":
      formatNumber(value);
      return;
    case "object":
      if (value === null) return;
      if (stack.includes(value)) throw new TypeError(`cyclic value at ${path}`);
      stack.push(value);
      try {
        forEachEntry(value, path, (child, childPath) => assertJson(child, stack, childPath));
      } finally {
        stack.pop();
      }
      return;
    default:
      throw new TypeError(`cannot emit ${describe(value)} at ${path}`);
  }
}

/** Visits the elements of a plain array or the own enumerable data properties of a plain object, rejecting anything else. */
function forEachEntry(value: object, path: string, visit: (child: unknown, childPath: string, key: string | undefined) => void): void {
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) throw new TypeError(`cannot emit ${describe(value)} at ${path}`);
    for (let i = 0; i < value.length; i++) {
      const desc = Object.getOwnPropertyDescriptor(value, i);
      if (desc === undefined) throw new TypeError(`cannot emit a sparse array (hole at ${path}[${i}])`);
      if (!("value" in desc)) throw new TypeError(`cannot emit an accessor at ${path}[${i}]`);
      visit(desc.value, `${path}[${i}]`, undefined);
    }
    return;
  }
  if (!isPlainObject(value)) throw new TypeError(`cannot emit ${describe(value)} at ${path}`);
  if (Object.getOwnPropertySymbols(value).length > 0) throw new TypeError(`cannot emit an object with symbol keys at ${path}`);
  for (const [key, desc] of Object.entries(Object.getOwnPropertyDescriptors(value))) {
    if (!desc.enumerable) continue;
    if (!("value" in desc)) throw new TypeError(`cannot emit an accessor at ${path}.${key}`);
    visit(desc.value, `${path}[${JSON.stringify(key)}]`, key);
  }
}

/**
 * `JSON.stringify` for validated JSON data, additionally escaping `<`, `>`,
 * U+2028 and U+2029 as `\uXXXX` so the text is a safe JavaScript literal even
 * where it might be inlined into HTML. Lone surrogates come out as `\uDXXX`
 * escapes (well-formed JSON.stringify). Throws on anything that is not JSON
 * data (undefined, functions, NaN/Infinity, class instances, cycles, …)
 * instead of silently dropping or coercing it.
 *
 * The result is JSON text. Note that JSON text of an object is *not* a safe
 * object literal if it has a `"__proto__"` key; `_` and {@link literal}
 * emit objects through a different path for that reason.
 */
export function safeStringify(value: unknown): string {
  assertJson(value, [], "$");
  const json = JSON.stringify(value);
  if (typeof json !== "string") throw new TypeError(`cannot emit ${describe(value)}`);
  return escapeUnsafe(json);
}

/**
 * A string as a single-quoted JavaScript literal, escaped as safeStringify escapes: a JSON document inside needs no
 * `\"` for each of its quotes (a large program's data is a sixth smaller). Made from JSON.stringify's literal, whose
 * escapes are all `\X` or `\uXXXX`: `\"` becomes `"`, a `'` becomes `\'`, every other escape stays as it is.
 */
export function safeSingleQuoted(value: string): string {
  if (typeof value !== "string") throw new TypeError(`cannot emit ${describe(value)} as a string literal`);
  const json = safeStringify(value);
  // Inside a JSON string a backslash just before a quote is always that quote's escape (a quote is never left bare).
  return `'${json.slice(1, -1).replaceAll('\\"', '"').replaceAll("'", "\\'")}'`;
}

/** Object keys are always JSON-quoted; `__proto__` becomes a computed key so it stays an own data property. */
function objectKey(key: string): string {
  const quoted = safeStringify(key);
  return key === "__proto__" ? `[${quoted}]` : quoted;
}

/** Source text for one `${}` slot. `top` is true for the slot itself (negative numbers get parentheses there). */
function interpolate(value: unknown, stack: object[], path: string, top: boolean): string {
  switch (typeof value) {
    case "string":
      return safeStringify(value);
    case "number": {
      const text = formatNumber(value);
      return top && text.startsWith("-") ? `(${text})` : text;
    }
    case "boolean":
      return value ? "true" : "false";
    case "object": {
      if (value === null) return "null";
      if (Code.is(value)) return value.toString();
      if (Name.is(value)) return value.toString();
      if (stack.includes(value)) throw new TypeError(`cyclic value at ${path}`);
      stack.push(value);
      try {
        const parts: string[] = [];
        forEachEntry(value, path, (child, childPath, key) => {
          const text = interpolate(child, stack, childPath, false);
          parts.push(key === undefined ? text : `${objectKey(key)}: ${text}`);
        });
        if (Array.isArray(value)) return `[${parts.join(", ")}]`;
        return parts.length === 0 ? "{}" : `{ ${parts.join(", ")} }`;
      } finally {
        stack.pop();
      }
    }
    default:
      throw new TypeError(`cannot interpolate ${describe(value)} into code at ${path}`);
  }
}

/**
 * A literal for a data value (same rules as interpolating it with `_`):
 * strings are JSON-quoted with `<`, `>`, U+2028, U+2029 escaped; numbers must
 * be finite; arrays become `[…]`; plain objects become `{ "key": value }`
 * with every key JSON-quoted, except `__proto__`, which is emitted as the
 * computed key `["__proto__"]` so that it creates an own property rather than
 * setting the prototype.
 */
export function literal(value: Interpolation): Code {
  return code(interpolate(value, [], "$", true));
}

// ---------------------------------------------------------------------------
// The template tag

function isTemplateStrings(strings: unknown): strings is TemplateStringsArray {
  if (!Array.isArray(strings) || !Object.isFrozen(strings)) return false;
  const raw: unknown = (strings as { raw?: unknown }).raw;
  return Array.isArray(raw) && Object.isFrozen(raw) && raw.length === strings.length;
}

/**
 * The code template tag: ``_`if (${cond}) return ${value};` ``. The static
 * text is code; each `${}` is emitted by kind: {@link Code} as code,
 * {@link Name} as an identifier, anything else as a safe literal (see
 * {@link literal}). Anything else throws.
 */
export function _(strings: TemplateStringsArray, ...values: Interpolation[]): Code {
  if (!isTemplateStrings(strings)) throw new TypeError("_ must be used as a template tag");
  let out = "";
  for (let i = 0; i < strings.length; i++) {
    const text = strings[i];
    if (text === undefined) throw new SyntaxError("invalid escape sequence in code template");
    out += text;
    if (i < values.length) out += interpolate(values[i], [], `\${${i}}`, true);
  }
  return code(out);
}

// ---------------------------------------------------------------------------
// Composition and layout

/** String separators must be punctuation/whitespace only; anything richer must be a {@link Code}. */
const SEPARATOR = /^[\s,;&|+]*$/;

/** Joins fragments with a separator (a {@link Code}, or a string of whitespace and `, ; & | +`). */
export function join(codes: readonly Code[], separator: Code | string = ", "): Code {
  let sep: string;
  if (typeof separator === "string") {
    if (!SEPARATOR.test(separator)) throw new TypeError(`unsafe separator ${JSON.stringify(separator)}; pass a Code`);
    sep = separator;
  } else if (Code.is(separator)) {
    sep = separator.toString();
  } else {
    throw new TypeError("separator must be a string or Code");
  }
  return code(codes.map((c) => assertCode(c).toString()).join(sep));
}

function assertCode(value: unknown): Code {
  if (!Code.is(value)) throw new TypeError(`expected Code, got ${describe(value)}`);
  return value;
}

/** Indents every non-empty line of a fragment by `levels` × two spaces. */
export function indent(fragment: Code, levels = 1): Code {
  const pad = "  ".repeat(levels);
  return code(
    assertCode(fragment)
      .toString()
      .split("\n")
      .map((line) => (line === "" ? line : pad + line))
      .join("\n"),
  );
}

/** Statements, one after another on their own lines; empty fragments are skipped. */
export function lines(codes: readonly Code[]): Code {
  return code(
    codes
      .map(assertCode)
      .filter((c) => !c.isEmpty)
      .map((c) => c.toString())
      .join("\n"),
  );
}

/** A braced block: `{`, the body indented by one level, `}`. An empty body gives `{}`. */
export function block(body: Code | readonly Code[]): Code {
  const inner = Code.is(body) ? body : lines(body as readonly Code[]);
  if (inner.isEmpty) return code("{}");
  return code(`{\n${indent(inner).toString()}\n}`);
}

/**
 * Property access: `obj.key` for identifier-shaped keys, `obj["key"]`
 * otherwise. The key `__proto__` throws: reading or writing it reaches the
 * prototype rather than a property, so code that looks up user-chosen keys
 * must use an own-property test (see {@link ownProperty}).
 */
export function property(obj: Code | Name, key: string): Code {
  if (!Code.is(obj) && !Name.is(obj)) throw new TypeError(`property() needs Code or Name, got ${describe(obj)}`);
  if (typeof key !== "string") throw new TypeError(`property key must be a string, got ${describe(key)}`);
  if (key === "__proto__") throw new TypeError("refusing to emit a __proto__ property access");
  if (IDENTIFIER.test(key)) return code(`${obj.toString()}.${key}`);
  return code(`${obj.toString()}[${safeStringify(key)}]`);
}

/**
 * An own-property lookup for a key that may come from user text:
 * `(Object.hasOwn(obj, "key") ? obj["key"] : undefined)`. Works for every
 * key, `__proto__` and `constructor` included. `obj` should be a {@link Name}
 * (it is evaluated twice).
 */
export function ownProperty(obj: Name, key: string): Code {
  if (!Name.is(obj)) throw new TypeError(`ownProperty() needs a Name, got ${describe(obj)}`);
  const k = safeStringify(key);
  return code(`(Object.hasOwn(${obj.toString()}, ${k}) ? ${obj.toString()}[${k}] : undefined)`);
}
