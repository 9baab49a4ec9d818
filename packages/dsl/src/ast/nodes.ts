/**
 * The one AST of the language. Every node has a process-unique `id` and a `span` (UTF-16 offsets into its file,
 * end exclusive). Types, resolved references and folded values live in side tables keyed by id (see
 * checker/tables.ts), so that hover, definition, rename and code generation are look-ups.
 */
export interface Span {
  start: number;
  end: number;
}

interface NodeBase {
  id: number;
  span: Span;
}

export interface Name extends NodeBase {
  kind: "Name";
  text: string;
}

export interface PromoFile extends NodeBase {
  kind: "File";
  path: string;
  declarations: Declaration[];
}

export type Declaration =
  | ImportDecl
  | CurrencyDecl
  | AttributeDecl
  | ScopeDecl
  | WindowDecl
  | GroupDecl
  | StackingDecl
  | PromotionDecl
  | EarnDecl
  | ExampleDecl
  | CampaignDecl
  | CommissionDecl
  | AffiliateDeclaration;

export interface ImportDecl extends NodeBase {
  kind: "Import";
  path: StringLit;
}

export interface CurrencyDecl extends NodeBase {
  kind: "Currency";
  code: Name;
}

export interface AttributeDecl extends NodeBase {
  kind: "Attribute";
  root: Name;
  name: Name;
  type: TypeRef;
}

export interface TypeRef extends NodeBase {
  kind: "TypeRef";
  head: Name;
  element: Name | undefined;
}

export interface ScopeDecl extends NodeBase {
  kind: "Scope";
  name: Name;
  predicate: Expr;
}

export interface WindowDecl extends NodeBase {
  kind: "Window";
  name: Name;
  window: WindowSpec;
}

export interface WindowSpec extends NodeBase {
  kind: "WindowSpec";
  start: DateTimeLit;
  end: DateTimeLit;
  zone: Name;
}

export interface GroupDecl extends NodeBase {
  kind: "Group";
  name: Name;
  members: Name[];
}

export interface StackingDecl extends NodeBase {
  kind: "Stacking";
  rules: StackingRule[];
}

export type StackingRule = AtMostRule | SelectRule;

export interface AtMostRule extends NodeBase {
  kind: "AtMost";
  count: NumberLit;
  selector: Selector;
  per: Name;
}

export interface SelectRule extends NodeBase {
  kind: "Select";
  mode: Name;
}

/** A kind, group or promotion id, or a bracketed list of them. */
export interface Selector extends NodeBase {
  kind: "Selector";
  names: Name[];
  bracketed: boolean;
}

export interface PromotionDecl extends NodeBase {
  kind: "Promotion";
  name: Name;
  clauses: Clause[];
}

export type Clause =
  | TitleClause
  | DescriptionClause
  | KindClause
  | CodeClause
  | ValidClause
  | CollectClause
  | ExpiresClause
  | LockedClause
  | TransferClause
  | WhenClause
  | GiveClause
  | PriorityClause
  | ExclusiveClause
  | CombinesClause
  | LimitClause
  | OnCancelClause
  | FundedClause
  | OnReturnClause;

export interface TitleClause extends NodeBase {
  kind: "Title";
  text: StringLit;
}
export interface DescriptionClause extends NodeBase {
  kind: "Description";
  text: StringLit;
}
export interface KindClause extends NodeBase {
  kind: "KindClause";
  name: Name;
}
export interface CodeClause extends NodeBase {
  kind: "Code";
  code: StringLit;
}
export interface ValidClause extends NodeBase {
  kind: "Valid";
  window: WindowRef;
}
export interface CollectClause extends NodeBase {
  kind: "Collect";
  window: WindowRef;
}
export type WindowRef = WindowSpec | Name;

export interface ExpiresClause extends NodeBase {
  kind: "Expires";
  duration: Duration;
}
export interface LockedClause extends NodeBase {
  kind: "Locked";
  duration: Duration;
}
export interface Duration extends NodeBase {
  kind: "Duration";
  amount: NumberLit;
  unit: Name;
}
export interface TransferClause extends NodeBase {
  kind: "NotTransferable";
}
export interface WhenClause extends NodeBase {
  kind: "When";
  condition: Expr;
}
export interface GiveClause extends NodeBase {
  kind: "Give";
  benefit: Benefit;
}
export interface PriorityClause extends NodeBase {
  kind: "Priority";
  value: NumberLit;
}
export interface ExclusiveClause extends NodeBase {
  kind: "Exclusive";
  with: Selector | undefined;
}
export interface CombinesClause extends NodeBase {
  kind: "Combines";
  with: Selector;
}
export interface LimitClause extends NodeBase {
  kind: "Limit";
  limit: LimitSpec;
}

/** `on cancel return use` / `on cancel keep use`; the words are checked by the checker. */
export interface OnCancelClause extends NodeBase {
  kind: "OnCancel";
  event: Name;
  action: Name;
  object: Name;
}

/** `funded by platform 70%, seller 30%`: who pays for the promotion (docs/language.md, Funding). */
export interface FundedClause extends NodeBase {
  kind: "Funded";
  shares: FunderShare[];
}

/** One party of a `funded by` clause; the percentage may be left out for a single party (100%). */
export interface FunderShare extends NodeBase {
  kind: "FunderShare";
  party: Name;
  percent: PercentLit | undefined;
}

/** `on return keep discount` / `on return recover discount`; the words are checked by the checker. */
export interface OnReturnClause extends NodeBase {
  kind: "OnReturn";
  action: Name;
  object: Name;
}

/** `commission { category "electronics" 5%  default 8% }` (docs/language.md, Commission). */
export interface CommissionDecl extends NodeBase {
  kind: "Commission";
  entries: CommissionEntry[];
}

/** `category "…" P%` or `default P%`; the head word is checked by the checker. */
export interface CommissionEntry extends NodeBase {
  kind: "CommissionEntry";
  head: Name;
  category: StringLit | undefined;
  rate: PercentLit;
}

export interface LimitSpec extends NodeBase {
  kind: "LimitSpec";
  budget: MoneyLit | undefined;
  count: NumberLit | undefined;
  unit: Name | undefined;
  per: Name[];
}

export type Benefit = DiscountBenefit | PriceBenefit | PackBenefit | CheapestBenefit | FreeShippingBenefit | CoinsBenefit;

export type DiscountBase = "before" | "after";

export interface DiscountBenefit extends NodeBase {
  kind: "Discount";
  value: MoneyLit | PercentLit;
  eachUnit: boolean;
  target: Target;
  base: DiscountBase | undefined;
  cap: MoneyLit | undefined;
  maxUnits: MaxUnits | undefined;
}

export interface MaxUnits extends NodeBase {
  kind: "MaxUnits";
  count: NumberLit;
  unitWord: Name;
}

export type Target = OrderTarget | ShippingTarget | ScopeRef;

export interface OrderTarget extends NodeBase {
  kind: "OrderTarget";
}
export interface ShippingTarget extends NodeBase {
  kind: "ShippingTarget";
}

export type ScopeRef = ScopeName | InlineScope;

export interface ScopeName extends NodeBase {
  kind: "ScopeName";
  name: Name;
}
export interface InlineScope extends NodeBase {
  kind: "InlineScope";
  predicate: Expr;
}

export interface PriceBenefit extends NodeBase {
  kind: "FixedPrice";
  price: MoneyLit;
  scope: ScopeRef;
  maxUnits: MaxUnits | undefined;
}

export interface PackBenefit extends NodeBase {
  kind: "Pack";
  skus: StringLit[];
  price: MoneyLit;
}

export interface CheapestBenefit extends NodeBase {
  kind: "CheapestFree";
  free: NumberLit;
  every: NumberLit;
  scope: ScopeRef;
}

export interface FreeShippingBenefit extends NodeBase {
  kind: "FreeShipping";
}

export interface CoinsBenefit extends NodeBase {
  kind: "Coins";
  coins: NumberLit;
  per: MoneyLit;
  capPercent: PercentLit | undefined;
  /** `up to P% of order and shipping`: the cap's base includes shipping (default: the items only). */
  capWithShipping?: boolean;
  scope: ScopeRef | undefined;
}

export interface EarnDecl extends NodeBase {
  kind: "Earn";
  coins: NumberLit;
  /** `per AMOUNT`; absent when the coins are earned `per purchase` (see `unit`). */
  per: MoneyLit | undefined;
  /** The word after `per` when it is not an amount: `purchase` is the only one the checker accepts. */
  unit: Name | undefined;
  /** `on SCOPE`: only the lines in scope earn (default: every line). */
  scope: ScopeRef | undefined;
  limits: LimitSpec[];
}

export interface ExampleDecl extends NodeBase {
  kind: "Example";
  name: Name;
  cart: RecordValue | undefined;
  cartFile: StringLit | undefined;
  expect: RecordValue | undefined;
}

// ---- values in example carts and expectations ----

export type Value = StringLit | MoneyLit | PercentLit | DateTimeLit | WordValue | ListValue | RecordValue;

export interface WordValue extends NodeBase {
  kind: "Word";
  text: string;
}
export interface ListValue extends NodeBase {
  kind: "ListValue";
  items: Value[];
}
export interface RecordValue extends NodeBase {
  kind: "Record";
  entries: RecordEntry[];
}
export interface RecordEntry extends NodeBase {
  kind: "Entry";
  key: Name;
  value: Value;
}

// ---- expressions ----

export type Expr =
  OrExpr | AndExpr | NotExpr | CompareExpr | ListExpr | AggregateExpr | PathExpr | StringLit | MoneyLit | PercentLit | DateTimeLit | BoolLit | ErrorExpr;

export interface OrExpr extends NodeBase {
  kind: "Or";
  operands: Expr[];
}
export interface AndExpr extends NodeBase {
  kind: "And";
  operands: Expr[];
}
export interface NotExpr extends NodeBase {
  kind: "Not";
  operand: Expr;
}

export type Comparator = "exceeds" | "at least" | "at most" | "below" | "is" | "is not" | "in" | "not in" | "contains";

export interface CompareExpr extends NodeBase {
  kind: "Compare";
  op: Comparator;
  opSpan: Span;
  left: Expr;
  right: Expr;
}
export interface ListExpr extends NodeBase {
  kind: "List";
  items: Expr[];
}
export type AggregateFn = "subtotal" | "quantity" | "count";
export interface AggregateExpr extends NodeBase {
  kind: "Aggregate";
  fn: AggregateFn;
  scope: ScopeRef | undefined;
  base: DiscountBase | undefined;
}
/** `customer.region`, `line.size`, a scope name, or a bare code such as `US` (resolved by the checker). */
export interface PathExpr extends NodeBase {
  kind: "Path";
  segments: Name[];
}
export interface StringLit extends NodeBase {
  kind: "String";
  value: string;
  raw: string;
}
/** A number with an optional currency code; a bare number is a plain Int or Decimal. */
export interface MoneyLit extends NodeBase {
  kind: "Number";
  text: string;
  currency: Name | undefined;
}
export interface PercentLit extends NodeBase {
  kind: "Percent";
  text: string;
}
export interface DateTimeLit extends NodeBase {
  kind: "DateTime";
  text: string;
  zone: Name | undefined;
}
export interface BoolLit extends NodeBase {
  kind: "Bool";
  value: boolean;
}
/** Stands where the parser recovered from missing input; the checker gives it no type and reports nothing more. */
export interface ErrorExpr extends NodeBase {
  kind: "Error";
}

export type NumberLit = MoneyLit;

export type Node =
  | PromoFile
  | Declaration
  | Clause
  | Name
  | TypeRef
  | WindowSpec
  | StackingRule
  | Selector
  | Duration
  | LimitSpec
  | FunderShare
  | CommissionEntry
  | Benefit
  | MaxUnits
  | Target
  | ScopeRef
  | Value
  | RecordEntry
  | Expr;

// Campaigns (docs/language.md, Campaigns).

/**
 * A platform campaign (docs/language.md, Platform campaigns): its calendar, the requirements a product and its
 * store must meet to be registered, and the edits a seller may make to a registration.
 */
export interface CampaignDecl {
  kind: "Campaign";
  id: number;
  span: Span;
  /** The campaign's name: an identifier, or the text of a string (`campaign "11.11"`). */
  name: Name;
  clauses: CampaignClause[];
}

export type CampaignClause = CampaignTitle | CampaignDate | CampaignRequire | CampaignAllow;

export interface CampaignTitle {
  kind: "CampaignTitle";
  id: number;
  span: Span;
  text: StringLit;
}

/** `registration opens 2026-10-01 00:00 in Asia/Shanghai`, `sale from … to … in …`: one or two words and a time. */
export interface CampaignDate {
  kind: "CampaignDate";
  id: number;
  span: Span;
  words: Name[];
  at: DateTimeLit | undefined;
  window: WindowSpec | undefined;
}

/** `require REASON: FACT COMPARATOR VALUE [and FACT exceeds 0]`. */
export interface CampaignRequire {
  kind: "CampaignRequire";
  id: number;
  span: Span;
  reason: Name;
  /** A comparison of a fact path with a value (anything else is a parse recovery: an `Error` expression). */
  test: CompareExpr | Expr;
  /** `and product.sales30d exceeds 0`: the requirement holds only with a positive gate fact. */
  gate: CompareExpr | Expr | undefined;
}

/** `allow discount increase until 1 day before registration closes`. */
export interface CampaignAllow {
  kind: "CampaignAllow";
  id: number;
  span: Span;
  field: Name;
  change: Name;
  until: { duration: Duration; event: Name[] } | undefined;
}

// Affiliate programs and attribution (docs/language.md, Affiliate attribution).

/** `attribution NAME { … }`: how a line's affiliate touchpoints are weighed (docs/language.md, Affiliate attribution). */
export interface AttributionDecl {
  kind: "Attribution";
  id: number;
  span: Span;
  name: Name;
  clauses: AttributionClause[];
}

export type AttributionClause =
  | { kind: "AttributionPriority"; id: number; span: Span; actions: Name[] }
  /** `first-cookie during WINDOW`, or `last-cookie otherwise` (window undefined). */
  | { kind: "AttributionModel"; id: number; span: Span; model: Name; window: WindowRef | undefined }
  /** `lookback 30 days` (head: the word `lookback`). */
  | { kind: "AttributionLookback"; id: number; span: Span; head: Name; duration: Duration }
  | { kind: "AttributionPer"; id: number; span: Span; granularity: Name }
  | { kind: "AttributionPayment"; id: number; span: Span; window: WindowRef }
  /** `exclude coupon-via-another-webmaster` (head: the word `exclude`). */
  | { kind: "AttributionExclude"; id: number; span: Span; head: Name; exclusion: Name };

/** `affiliate program NAME { … }`: the store's commission rates. */
export interface AffiliateProgramDecl {
  kind: "AffiliateProgram";
  id: number;
  span: Span;
  /** The word after `affiliate` (must be `program`). */
  keyword: Name;
  name: Name;
  clauses: ProgramClause[];
}

/**
 * `minimum 3%`, `featured [FEAT, "lamp-01"] 8%`, `premium [U1] 10% during WINDOW`: one shape, read by its head word
 * (the checker says which parts each head needs). Listed ids are identifiers or strings (a string's text is its value).
 */
export interface ProgramClause {
  kind: "ProgramRate";
  id: number;
  span: Span;
  head: Name;
  list: Name[] | undefined;
  rate: PercentLit;
  window: WindowRef | undefined;
}

/** `attribution example "NAME" from "case.json"`: the case file holds `order`, `journey` and the expected `lines`. */
export interface AttributionExampleDecl {
  kind: "AttributionExample";
  id: number;
  span: Span;
  name: StringLit;
  file: StringLit;
}

export type AffiliateDeclaration = AttributionDecl | AffiliateProgramDecl | AttributionExampleDecl;
