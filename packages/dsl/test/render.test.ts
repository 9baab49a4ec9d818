import { describe, expect, it } from "vitest";
import { replaceFix, spanIn, type Diagnostic, type DiagnosticSpan } from "../src/diagnostics/diagnostic.js";
import { MAX_RENDERED_LINE, renderDiagnostic, renderSummary } from "../src/diagnostics/render.js";
import { SourceFile } from "../src/util/source.js";

const ANSI = /\u001b\[[0-9;]*m/;

/** Built by hand rather than with the catalogue's constructors, so these tests only depend on the renderer. */
function diag(code: string, severity: Diagnostic["severity"], message: string, span: DiagnosticSpan): Diagnostic {
  return { code, severity, message, span, related: [], fixes: [] };
}

function lookup(...files: SourceFile[]): (path: string) => SourceFile | undefined {
  return (path) => files.find((f) => f.path === path);
}

/** The span of the `occurrence`-th match of `needle` in the file. */
function spanOf(file: SourceFile, needle: string, occurrence = 0) {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) at = file.text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`'${needle}' not in ${file.path}`);
  return spanIn(file, { start: at, end: at + needle.length });
}

const file = new SourceFile(
  "examples/x.promo",
  ["currency USD", "", 'scope shoes = line.category is "shoes"', "", "promotion autumn {", "  give 5.00 EUR off order", "}", ""].join("\n"),
);

function mismatch(): Diagnostic {
  const amount = spanOf(file, "5.00 EUR");
  return {
    code: "currency-mismatch",
    severity: "error",
    message: "5.00 EUR is in EUR but USD is expected",
    span: amount,
    related: [{ message: "the file's currency is declared here", span: spanOf(file, "currency USD") }],
    fixes: [replaceFix("Change to 'USD'", amount, "5.00 USD")],
  };
}

describe("renderDiagnostic", () => {
  it("renders a code frame with related spans and fixes", () => {
    expect(renderDiagnostic(mismatch(), lookup(file), { color: false })).toBe(
      [
        "error[currency-mismatch]: 5.00 EUR is in EUR but USD is expected",
        " --> examples/x.promo:6:8",
        "  |",
        "6 |   give 5.00 EUR off order",
        "  |        ^^^^^^^^",
        "  = note: the file's currency is declared here  --> examples/x.promo:1:1",
        "  = help: Change to 'USD'",
        "",
      ].join("\n"),
    );
  });

  it("widens the gutter for multi-digit line numbers and renders warnings", () => {
    const long = new SourceFile("a.promo", "\n".repeat(11) + "scope unused = true\n");
    const d = diag("unused-declaration", "warning", "scope 'unused' is never used", spanOf(long, "unused"));
    expect(renderDiagnostic(d, lookup(long), { color: false })).toBe(
      ["warning[unused-declaration]: scope 'unused' is never used", "  --> a.promo:12:7", "   |", "12 | scope unused = true", "   |       ^^^^^^", ""].join(
        "\n",
      ),
    );
  });

  it("uses no ANSI escapes without colour and ANSI colours with it", () => {
    const plain = renderDiagnostic(mismatch(), lookup(file), { color: false });
    expect(plain).not.toMatch(ANSI);
    const coloured = renderDiagnostic(mismatch(), lookup(file), { color: true });
    expect(coloured).toMatch(ANSI);
    expect(coloured).toContain("\u001b[1m\u001b[31merror[currency-mismatch]\u001b[0m"); // bold red header
    expect(coloured).toContain("\u001b[36m|\u001b[0m"); // cyan gutter
    expect(coloured).toContain("\u001b[31m^^^^^^^^\u001b[0m"); // red carets
    // Without the escapes, the coloured text is the plain text.
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, "")).toBe(plain);

    const warning = diag("unused-declaration", "warning", "scope 'shoes' is never used", spanOf(file, "shoes"));
    expect(renderDiagnostic(warning, lookup(file), { color: true })).toContain("\u001b[1m\u001b[33mwarning[unused-declaration]");
  });

  it("keeps tabs in the caret line's padding", () => {
    const tabbed = new SourceFile("t.promo", "promotion p {\n\t\tgive 5.00 EUR off order\n}\n");
    const d = diag("currency-mismatch", "error", "5.00 EUR is in EUR but USD is expected", spanOf(tabbed, "EUR"));
    const lines = renderDiagnostic(d, lookup(tabbed), { color: false }).split("\n");
    expect(lines[3]).toBe("2 | \t\tgive 5.00 EUR off order");
    expect(lines[4]).toBe("  | \t\t          ^^^");
  });

  it("trims a very long line around the span", () => {
    const filler = "a".repeat(5000);
    const text = `scope s = ${filler} and zz-target and ${filler}\n`;
    const long = new SourceFile("long.promo", text);
    const d = diag("unknown-name", "error", "unknown name 'zz-target'", spanOf(long, "zz-target"));
    const lines = renderDiagnostic(d, lookup(long), { color: false }).split("\n");
    expect(lines[1]).toBe(" --> long.promo:1:5016");
    const source = lines[3]!;
    const carets = lines[4]!;
    // Trimmed on both sides, with the span inside the shown window.
    expect(source.startsWith("1 | ...")).toBe(true);
    expect(source.endsWith("...")).toBe(true);
    expect(source.length).toBeLessThanOrEqual("1 | ".length + MAX_RENDERED_LINE + 6);
    expect(source).toContain("zz-target");
    // The carets sit exactly under the span.
    const caretAt = carets.indexOf("^");
    expect(source.slice(caretAt, caretAt + "zz-target".length)).toBe("zz-target");
    expect(carets.slice(caretAt)).toBe("^".repeat("zz-target".length));
  });

  it("shows at least one caret for an empty span and stops at the end of the first line of a long span", () => {
    const src = new SourceFile("e.promo", 'scope s = "abc\nscope t = 1\n');
    const empty = diag("syntax-error", "error", "expected something", spanIn(src, { start: 4, end: 4 }));
    expect(renderDiagnostic(empty, lookup(src), { color: false }).split("\n")[4]).toBe("  |     ^");
    const multi = diag("syntax-error", "error", "spans two lines", spanIn(src, { start: 10, end: 20 }));
    expect(renderDiagnostic(multi, lookup(src), { color: false }).split("\n")[4]).toBe("  |           ^^^^");
    const atEnd = diag("syntax-error", "error", "at the end", spanIn(src, { start: src.text.length, end: src.text.length }));
    expect(renderDiagnostic(atEnd, lookup(src), { color: false })).toContain("3 |\n  | ^\n");
  });

  it("shows control characters as visible symbols, never raw", () => {
    const src = new SourceFile("c.promo", "scope s = \u001b[2J\u0007 x\n");
    const d = diag("unexpected-character", "error", 'unexpected character "\\u001b"', spanIn(src, { start: 10, end: 11 }));
    const out = renderDiagnostic(d, lookup(src), { color: false });
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(out).toContain("1 | scope s = \u241b[2J\u2407 x");
  });

  it("renders the header alone when the source is not available", () => {
    const src = new SourceFile("gone.promo", "");
    const d = diag("import-not-found", "error", "cannot import 'gone.promo': no such file", spanIn(src, { start: 0, end: 0 }));
    expect(renderDiagnostic(d, () => undefined, { color: false })).toBe(
      "error[import-not-found]: cannot import 'gone.promo': no such file\n --> gone.promo:1:1\n",
    );
  });
});

describe("renderSummary", () => {
  const warning = diag("unused-declaration", "warning", "scope 'shoes' is never used", spanOf(file, "shoes"));
  it("counts errors, warnings and files", () => {
    expect(renderSummary([mismatch(), mismatch(), warning], 3)).toBe("2 errors, 1 warning in 3 files");
    expect(renderSummary([mismatch()], 1)).toBe("1 error in 1 file");
    expect(renderSummary([warning, warning], 2)).toBe("2 warnings in 2 files");
    expect(renderSummary([], 3)).toBe("no problems in 3 files");
  });
});
