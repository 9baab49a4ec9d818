/**
 * Packed JSON: the program data of a large rule file repeats the same object keys and a few long strings (source
 * file names, scope labels) tens of thousands of times. Packing writes each object as its shape's index followed
 * by its values, and each string that repeats (and is longer than its reference) as a reference into a table.
 * The packed value is itself plain JSON, so a bundle still carries it as one escaped string literal.
 *
 * Encoding of a value v:
 *   - a number, boolean, null, or a string not in the table: v itself;
 *   - a string in the table: [-2, index];
 *   - an array: [-1, ...items];
 *   - an object: [shape, ...values], its keys being `shapes[shape]`, in that order.
 */
export interface PackedJson {
  packed: 1;
  shapes: string[][];
  strings: string[];
  value: unknown;
}

const ARRAY = -1;
const STRING = -2;

/** `value` packed; `unpackJson` gives back an equal value. Only JSON values (no undefined, no functions). */
export function packJson(value: unknown): PackedJson {
  const counts = new Map<string, number>();
  const countStrings = (v: unknown): void => {
    if (typeof v === "string") counts.set(v, (counts.get(v) ?? 0) + 1);
    else if (Array.isArray(v)) v.forEach(countStrings);
    else if (v !== null && typeof v === "object") for (const item of Object.values(v)) countStrings(item);
  };
  countStrings(value);
  // The most repeated strings get the shortest references; a string enters the table only when that saves bytes.
  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  for (const [s, n] of [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const reference = `[${STRING},${strings.length}]`.length;
    if (n < 2 || JSON.stringify(s).length <= reference) continue;
    stringIndex.set(s, strings.length);
    strings.push(s);
  }
  const shapes: string[][] = [];
  const shapeIndex = new Map<string, number>();
  const encode = (v: unknown): unknown => {
    if (typeof v === "string") {
      const i = stringIndex.get(v);
      return i === undefined ? v : [STRING, i];
    }
    if (Array.isArray(v)) return [ARRAY, ...v.map(encode)];
    if (v === null || typeof v !== "object") return v;
    const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined);
    const key = JSON.stringify(keys);
    let shape = shapeIndex.get(key);
    if (shape === undefined) {
      shapeIndex.set(key, (shape = shapes.length));
      shapes.push(keys);
    }
    return [shape, ...keys.map((k) => encode((v as Record<string, unknown>)[k]))];
  };
  return { packed: 1, shapes, strings, value: encode(value) };
}

export function isPackedJson(data: unknown): data is PackedJson {
  return typeof data === "object" && data !== null && (data as { packed?: unknown }).packed === 1;
}

/** The value `packJson` packed. Throws on data that is not packed JSON (bundles carry what the compiler wrote). */
export function unpackJson(data: PackedJson): unknown {
  const { shapes, strings } = data;
  const decode = (v: unknown): unknown => {
    if (!Array.isArray(v)) return v;
    const tag = v[0] as number;
    if (tag === STRING) return strings[v[1] as number];
    if (tag === ARRAY) {
      const out = new Array<unknown>(v.length - 1);
      for (let i = 1; i < v.length; i++) out[i - 1] = decode(v[i]);
      return out;
    }
    const keys = shapes[tag];
    if (keys === undefined || keys.length !== v.length - 1) throw new TypeError(`packed data: no object shape ${tag} of ${v.length - 1} keys`);
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      // An own property even for "__proto__": a key never reaches an object's prototype.
      if (key === "__proto__") Object.defineProperty(out, key, { value: decode(v[i + 1]), enumerable: true, writable: true, configurable: true });
      else out[key] = decode(v[i + 1]);
    }
    return out;
  };
  return decode(data.value);
}
