import type * as A from "../ast/nodes.js";
import { Diagnostics } from "../diagnostics/catalogue.js";
import type { ParseResult } from "../parser/parse.js";
import type { SourceFile } from "../util/source.js";
import type { Reporter, Symbol } from "./context.js";
import { BUILTIN_FIELDS, DECLARABLE_TYPES, T, type Type } from "./types.js";
import { WatchedMap, type Watch } from "./watched-map.js";

/** Names the language gives meaning to; a declaration may not take them. */
const RESERVED = new Set(["order", "shipping", "line", "customer", "cart", "coupon", "any", "coupons", "true", "false"]);

export const KINDS = ["platform-coupon", "selected-coupon", "store-coupon", "promo-code", "automatic", "shipping", "coins"] as const;
export type PromotionKind = (typeof KINDS)[number];

/** Selector names with a fixed meaning in stacking rules: every promotion, or every promotion with a code. */
export const BUILTIN_GROUPS = ["any", "coupons"] as const;

/** Every declared name of a project, shared by all its files (imports make a project's names one namespace). */
export class SymbolTable {
  readonly scopes: Map<string, Extract<Symbol, { kind: "scope" }>>;
  readonly windows: Map<string, Extract<Symbol, { kind: "window" }>>;
  readonly groups: Map<string, Extract<Symbol, { kind: "group" }>>;
  readonly promotions: Map<string, Extract<Symbol, { kind: "promotion" }>>;
  readonly attributes: Map<string, Extract<Symbol, { kind: "attribute" }>>;
  private readonly used = new Set<Symbol>();
  private readonly declaredAt = new Map<string, { file: SourceFile; name: A.Name; what: string }>();

  /** With a `watch`, an incremental check records which names each declaration looks up (checker/watched-map.ts). */
  constructor(
    private readonly reporter: Reporter,
    private readonly watch?: Watch,
  ) {
    const map = <V>(label: string): Map<string, V> => (watch ? new WatchedMap<string, V>(`symbols.${label}`, watch) : new Map<string, V>());
    this.scopes = map("scopes");
    this.windows = map("windows");
    this.groups = map("groups");
    this.promotions = map("promotions");
    this.attributes = map("attributes");
  }

  markUsed(symbol: Symbol): void {
    this.watch?.current?.markUsed(symbol);
    this.used.add(symbol);
  }

  isUsed(symbol: Symbol): boolean {
    return this.used.has(symbol);
  }

  attributeNames(root: string): string[] {
    return [...this.attributes.keys()].filter((k) => k.startsWith(root + ".")).map((k) => k.slice(root.length + 1));
  }

  collect(files: readonly ParseResult[]): void {
    for (const file of files) {
      for (const decl of file.ast.declarations) {
        switch (decl.kind) {
          case "Scope":
            if (this.declare(file.source, decl.name, "scope", "name"))
              this.scopes.set(decl.name.text, { kind: "scope", name: decl.name.text, decl, file: file.source });
            break;
          case "Window":
            if (this.declare(file.source, decl.name, "window", "name"))
              this.windows.set(decl.name.text, { kind: "window", name: decl.name.text, decl, file: file.source });
            break;
          case "Group":
            if (this.declare(file.source, decl.name, "group", "name"))
              this.groups.set(decl.name.text, { kind: "group", name: decl.name.text, decl, file: file.source });
            break;
          case "Promotion":
            if (this.declare(file.source, decl.name, "promotion", "promotion"))
              this.promotions.set(decl.name.text, { kind: "promotion", name: decl.name.text, decl, file: file.source });
            break;
          case "Attribute":
            this.declareAttribute(file.source, decl);
            break;
          default:
            break;
        }
      }
    }
  }

  /**
   * Scopes, windows and groups share one namespace (a name means one thing in a selector or a `valid` clause);
   * promotion ids have their own, as do examples.
   */
  private declare(file: SourceFile, name: A.Name, what: string, namespace: string): boolean {
    if (name.text === "") return false;
    if (RESERVED.has(name.text) || (namespace === "name" && (KINDS as readonly string[]).includes(name.text))) {
      this.reporter.report(Diagnostics.reservedName(this.reporter.at(file, name.span), name.text));
      return false;
    }
    const key = `${namespace}:${name.text}`;
    const first = this.declaredAt.get(key);
    if (first) {
      this.reporter.report(Diagnostics.duplicateId(this.reporter.at(file, name.span), what, name.text, this.reporter.at(first.file, first.name.span)));
      return false;
    }
    this.declaredAt.set(key, { file, name, what });
    return true;
  }

  private declareAttribute(file: SourceFile, decl: A.AttributeDecl): void {
    const root = decl.root.text;
    const name = decl.name.text;
    if (root === "" || name === "") return;
    if (root !== "customer" && root !== "line") {
      this.reporter.report(
        Diagnostics.unknownName(this.reporter.at(file, decl.root.span), "attribute owner", root, root.startsWith("c") ? ["customer"] : ["line"]),
      );
      return;
    }
    const type = this.attributeType(file, decl.type);
    if (Object.hasOwn(BUILTIN_FIELDS[root]!, name)) {
      this.reporter.report(Diagnostics.reservedName(this.reporter.at(file, decl.name.span), `${root}.${name}`));
      return;
    }
    const key = `${root}.${name}`;
    const first = this.attributes.get(key);
    if (first) {
      this.reporter.report(
        Diagnostics.duplicateId(this.reporter.at(file, decl.name.span), "attribute", key, this.reporter.at(first.file, first.decl.name.span)),
      );
      return;
    }
    this.attributes.set(key, { kind: "attribute", name: key, decl, file, type });
  }

  private attributeType(file: SourceFile, ref: A.TypeRef): Type {
    const head = ref.head.text;
    if (head === "") return T.unknown;
    if (head === "set" && ref.element) {
      const element = Object.hasOwn(DECLARABLE_TYPES, ref.element.text) ? DECLARABLE_TYPES[ref.element.text] : undefined;
      if (element) return T.set(element);
      this.reportType(file, ref.element);
      return T.unknown;
    }
    if (head === "money" && !ref.element) return T.money(undefined);
    const type = Object.hasOwn(DECLARABLE_TYPES, head) ? DECLARABLE_TYPES[head] : undefined;
    if (type && !ref.element) return type;
    this.reportType(file, ref.head);
    return T.unknown;
  }

  private reportType(file: SourceFile, name: A.Name): void {
    const known = [...Object.keys(DECLARABLE_TYPES), "money", "set"];
    this.reporter.report(
      Diagnostics.unknownName(
        this.reporter.at(file, name.span),
        "type",
        name.text,
        known.filter((k) => k.startsWith(name.text.slice(0, 2).toLowerCase())).slice(0, 3),
      ),
    );
  }
}
