/**
 * Inputs whose size is a parameter `n`, for measuring how the front end's cost grows: the test suite counts the
 * work (test/fuzz/frontend.test.ts), `npm run bench` times it (bench/front-end-scaling.mjs). `example` is the text
 * of one example rule file.
 * @param {string} example
 * @returns {[string, (n: number) => string][]}
 */
export function scaleShapes(example) {
  return [
    ["an example file repeated (duplicate ids)", (n) => example.repeat(n)],
    [
      "distinct promotions",
      (n) =>
        "currency USD\n" +
        Array.from(
          { length: 40 * n },
          (_, i) =>
            `promotion p${i} {\n  title "t${i}"\n  kind automatic\n  when subtotal exceeds ${i}.00 USD and customer.firstOrder\n  give 1.00 USD off (line.sku is "S${i}")\n}\n`,
        ).join(""),
    ],
    [
      "one long and-chain",
      (n) =>
        `currency USD\nscope s = ${Array.from({ length: 300 * n }, (_, i) => `line.sku is not "k${i}"`).join(" and ")}\npromotion p {\n  title "t"\n  kind automatic\n  give 1.00 USD off s\n}\n`,
    ],
    [
      "a long list",
      (n) =>
        `currency USD\nscope s = line.sku in [${Array.from({ length: 1000 * n }, (_, i) => `"k${i}"`).join(", ")}]\npromotion p {\n  title "t"\n  kind automatic\n  give 1.00 USD off s\n}\n`,
    ],
    ["garbage", (n) => '@ ( [ " { x'.repeat(1000 * n)],
    ["an unterminated string per line", (n) => 'scope a = line.sku is "abc\n'.repeat(500 * n)],
    ["nesting at the limit, repeated", (n) => `scope s = ${"(".repeat(60)}true${")".repeat(60)}\n`.repeat(50 * n)],
    ["a long comment and a long string", (n) => `# ${"x".repeat(20_000 * n)}\ncurrency USD\nscope s = line.sku is "${"y".repeat(20_000 * n)}"\n`],
  ];
}
