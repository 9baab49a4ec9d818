/**
 * Deterministic "garbage": what a rule file looks like after pasting the wrong clipboard (prose, code, JSON,
 * stray braces), with the language's own keywords sprinkled in, so that error recovery meets both half-valid
 * declarations and long stretches that start none. Seeded, so every run parses the same text.
 */
const PIECES = [
  "the",
  "quick",
  "brown",
  "fox",
  "promotion",
  "scope",
  "window",
  "kind",
  "give",
  "when",
  "off",
  "order",
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  ",",
  ":",
  "=",
  "+",
  "-",
  "*",
  "/",
  "25.00",
  "USD",
  "10%",
  '"text"',
  "line.tags",
  "contains",
  "exceeds",
  "at",
  "least",
  "and",
  "or",
  "not",
  "example",
  "stacking",
  "title",
  "42",
  "foo.bar",
  "if",
  "return",
  "const",
  "x",
  ";",
  "=>",
  "import",
  "currency",
  "attribute",
  "group",
  "earn",
  "from",
  "to",
  "in",
  "UTC",
];

export function generateGarbage(lines, seed = 19) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [];
  for (let i = 0; i < lines; i++) {
    const words = 3 + Math.floor(next() * 9);
    const line = [];
    for (let w = 0; w < words; w++) line.push(PIECES[Math.floor(next() * PIECES.length)]);
    out.push((next() < 0.3 ? "  " : "") + line.join(" "));
  }
  return out.join("\n") + "\n";
}
