import { isKeyword, isType, keywordText, type Token } from "./lexical.js";

/**
 * The clause forms of the language as signatures. A parameter becomes active when one of its `markers` (the words
 * that introduce it) is typed, or when the parameter before it has taken its `width` tokens (a bracketed group
 * counts as one); a parameter made only of words (`[before|after discounts]`) is done when its `end` word is typed.
 */
export interface ParamSpec {
  label: string;
  doc?: string;
  markers?: readonly string[];
  width: number;
  end?: readonly string[];
}

export interface SignatureSpec {
  label: string;
  doc: string;
  params: readonly ParamSpec[];
}

const amount = (markers?: string[]): ParamSpec => ({
  label: "<amount>",
  doc: "Money in the file's currency: `5.00 USD`.",
  width: 2,
  ...(markers ? { markers } : {}),
});
const target: ParamSpec = {
  label: "<target>",
  doc: "`order`, `shipping` (kind shipping only), a scope name or an inline scope `(…)`.",
  markers: ["off"],
  width: 1,
};
const base: ParamSpec = {
  label: "[before|after discounts]",
  doc: "`before discounts` (the default) or `after discounts`: of the amount left after the promotions applied earlier.",
  markers: ["before", "after", "discounts"],
  end: ["discounts"],
  width: 0,
};
const cap: ParamSpec = { label: "[up to <cap>]", doc: "Caps a percentage discount: `up to 20.00 USD`.", markers: ["up", "to"], width: 2 };
const maxUnits: ParamSpec = {
  label: "[max <N> units]",
  doc: "At most N units per order, the most expensive eligible units first.",
  markers: ["max"],
  width: 2,
};
const scope = (markers: string[]): ParamSpec => ({ label: "<scope>", doc: "A scope name or an inline scope `(line.… )`.", markers, width: 1 });
const perEntity: ParamSpec = { label: "[per <entity>]", doc: "`per customer`, `per store` or `per order`.", markers: ["per"], width: 1 };
const perPeriod: ParamSpec = { label: "[per <period>]", doc: "`per day`, `per week`, `per month` or `per year`.", markers: ["per"], width: 1 };
const count = (label: string, doc: string, markers?: string[]): ParamSpec => ({ label, doc, width: 1, ...(markers ? { markers } : {}) });
const windowParams: ParamSpec[] = [
  { label: "<start>", doc: "A wall-clock date-time in the zone: `2026-11-10 05:00:00` (inclusive).", markers: ["from"], width: 1 },
  { label: "<end>", doc: "A wall-clock date-time in the zone, inclusive to the second: `2026-11-12 04:59:59`.", markers: ["to"], width: 1 },
  { label: "<zone>", doc: "An IANA time zone: `America/Los_Angeles`, `Europe/Paris`, `UTC`.", markers: ["in"], width: 1 },
];
const windowForms = (clause: string, doc: string): SignatureSpec[] => [
  { label: `${clause} <window>`, doc, params: [{ label: "<window>", doc: "A window declared with `window NAME = …`.", width: 1 }] },
  { label: `${clause} from <start> to <end> in <zone>`, doc, params: windowParams },
];

export const GIVE: readonly SignatureSpec[] = [
  {
    label: "give <amount> off <target> [before|after discounts]",
    doc: "That amount off the order, shipping or a scope's lines, allocated to the lines by value.",
    params: [amount(), target, base],
  },
  {
    label: "give <amount> off each unit of <scope> [max <N> units]",
    doc: "That amount off every unit of the scope's lines.",
    params: [amount(), scope(["off", "each", "unit", "of"]), maxUnits],
  },
  {
    label: "give <percent>% off <target> [before|after discounts] [up to <cap>]",
    doc: "P% of the order's items, of shipping or of a scope's lines: computed once, rounded half-up, capped, then allocated.",
    params: [{ label: "<percent>%", doc: "0% to 100%: `15%`.", width: 1 }, target, base, cap],
  },
  {
    label: "give price <amount> on <scope> [max <N> units]",
    doc: "A fixed unit price: each chosen unit of the scope costs the amount.",
    params: [amount(["price"]), scope(["on"]), maxUnits],
  },
  {
    label: "give pack [<SKU>, …] for <amount>",
    doc: "One unit of each listed SKU forms a pack sold for the amount; repeats for every complete pack.",
    params: [{ label: "[<SKU>, …]", doc: 'The SKUs as strings: `["CASE", "CABLE"]`.', markers: ["pack"], width: 1 }, amount(["for"])],
  },
  {
    label: "give cheapest <M> free for every <N> of <scope>",
    doc: "For every N units of the scope, the M cheapest are free (M smaller than N).",
    params: [count("<M>", "How many units are free.", ["cheapest"]), count("<N>", "Per how many units.", ["free", "for", "every"]), scope(["of"])],
  },
  { label: "give free shipping", doc: "Shipping costs 0 (kind shipping only).", params: [] },
  {
    label: "give coins at <N> per <amount> [up to <P>% of order] [on <scope>]",
    doc: "Kind coins only: N coins are worth the amount; the deduction is capped by P% of the order, the eligible lines and the balance.",
    params: [
      count("<N>", "How many coins are worth the amount.", ["coins", "at"]),
      amount(["per"]),
      { label: "[up to <P>% of order]", doc: "At most P% of the order's items total after promotions.", markers: ["up", "to"], width: 3 },
      { label: "[on <scope>]", doc: "Only these lines may be paid with coins.", markers: ["on"], width: 1 },
    ],
  },
];

const SPECS: Record<string, readonly SignatureSpec[]> = {
  give: GIVE,
  valid: windowForms("valid", "The promotion applies only while cart.at is inside the window."),
  collect: windowForms("collect", "Coupons only: the coupon must have been collected (activated) inside the window."),
  window: [
    {
      label: "window <name> = from <start> to <end> in <zone>",
      doc: "A named time window: wall-clock times in an IANA zone, start inclusive, end inclusive to the second.",
      params: [{ label: "<name>", width: 1 }, { ...windowParams[0]!, markers: ["=", "from"] }, windowParams[1]!, windowParams[2]!],
    },
  ],
  expires: [
    {
      label: "expires <N> <unit> after activation",
      doc: "Coupons only: usable until N units after the coupon was collected.",
      params: [
        count("<N>", "A whole number, at least 1."),
        count("<unit>", "seconds, minutes, hours, days, weeks, months or years."),
        { label: "after activation", markers: ["after", "activation"], end: ["activation"], width: 0 },
      ],
    },
  ],
  locked: [
    {
      label: "locked <N> <unit> after failed payment",
      doc: "Coupons only: blocked for N units after a failed payment with it.",
      params: [
        count("<N>", "A whole number, at least 1."),
        count("<unit>", "seconds, minutes, hours, days or weeks."),
        { label: "after failed payment", markers: ["after", "failed", "payment"], end: ["payment"], width: 0 },
      ],
    },
  ],
  limit: [
    {
      label: "limit <N> [redemptions|uses|coins|units] [per <entity>] [per <period>]",
      doc: "The promotion applies at most N times (or deducts at most N coins), per entity and period when given.",
      params: [
        count("<N>", "A whole number."),
        {
          label: "[redemptions|uses|coins|units]",
          markers: ["redemptions", "uses", "coins", "units"],
          end: ["redemptions", "uses", "coins", "units"],
          width: 0,
        },
        perEntity,
        perPeriod,
      ],
    },
    {
      label: "limit budget <amount> [per <entity>] [per <period>]",
      doc: "The promotion grants at most this much in savings.",
      params: [amount(["budget"]), perEntity, perPeriod],
    },
  ],
  "at most": [
    {
      label: "at most <N> [of] <selector> per <entity>",
      doc: "At most N of the selected promotions per order, store, line or customer.",
      params: [
        count("<N>", "A whole number, at least 1.", ["most"]),
        { label: "<selector>", doc: "A kind, group, promotion id, `any`, `coupons`, or a list `[…]` of these.", markers: ["of"], width: 1 },
        { label: "<entity>", doc: "order, store, line or customer.", markers: ["per"], width: 1 },
      ],
    },
  ],
  subtotal: [
    {
      label: "subtotal [of <scope>] [before|after discounts]",
      doc: "Money: the sum of unitPrice × quantity over the lines (or a scope's lines).",
      params: [{ label: "[of <scope>]", doc: "A scope name or an inline scope `(…)`.", markers: ["of"], width: 1 }, base],
    },
  ],
  quantity: [
    { label: "quantity [of <scope>]", doc: "Int: the number of units (of a scope's lines).", params: [{ label: "[of <scope>]", markers: ["of"], width: 1 }] },
  ],
  count: [
    { label: "count [of <scope>]", doc: "Int: the number of lines (of a scope's lines).", params: [{ label: "[of <scope>]", markers: ["of"], width: 1 }] },
  ],
  earn: [
    {
      label: "earn <C> coin|coins per <amount> [limit <N> coins per customer per day]",
      doc: "The buyer earns floor(paid ÷ amount) × C coins, or C coins with `per purchase`; `on <scope>` counts that scope's lines only. Several earn rules apply in declaration order.",
      params: [
        count("<C>", "Coins earned per amount."),
        { label: "coin|coins", markers: ["coin", "coins"], end: ["coin", "coins"], width: 0 },
        amount(["per"]),
        { label: "[limit <N> coins per customer per day]", markers: ["limit"], width: 99 },
      ],
    },
  ],
  exclusive: [
    {
      label: "exclusive [with <selector>]",
      doc: "Combines with no other promotion, or with none selected by the selector.",
      params: [{ label: "[with <selector>]", markers: ["with"], width: 1 }],
    },
  ],
  combines: [
    {
      label: "combines with <selector>",
      doc: "May combine with the selected promotions despite exclusive and at-most-1 rules.",
      params: [{ label: "<selector>", markers: ["with"], width: 1 }],
    },
  ],
  kind: [
    {
      label: "kind <kind>",
      doc: "automatic, selected-coupon, store-coupon, platform-coupon, promo-code, shipping or coins.",
      params: [{ label: "<kind>", width: 1 }],
    },
  ],
  priority: [
    {
      label: "priority <N>",
      doc: "Lower numbers apply first within a stage; two equal priorities are an error.",
      params: [count("<N>", "A whole number, 0 or more.")],
    },
  ],
  select: [
    {
      label: "select best-for-buyer|first-by-priority",
      doc: "The selection mode of the project.",
      params: [{ label: "best-for-buyer|first-by-priority", width: 1 }],
    },
  ],
};

const AGGREGATES = new Set(["subtotal", "quantity", "count"]);
const CLAUSE_ANCHORS = new Set([
  "give",
  "valid",
  "collect",
  "expires",
  "locked",
  "limit",
  "exclusive",
  "combines",
  "kind",
  "priority",
  "when",
  "title",
  "description",
  "code",
]);
/** Words after which an aggregate is complete (a comparison or connective follows it). */
const AFTER_AGGREGATE = new Set(["exceeds", "at", "least", "most", "below", "is", "in", "not", "contains", "and", "or"]);

export interface Anchor {
  /** The key into the specs: `give`, `at most`, `subtotal`, … */
  clause: string;
  index: number;
}

/**
 * The clause the cursor is in: scanning back over the declaration's tokens (closed brackets skipped, open ones
 * entered) to the nearest clause keyword; an aggregate counts while nothing but its own parts follows it.
 */
export function findAnchor(tokens: readonly Token[]): Anchor | undefined {
  const decl = tokens[0] ? keywordText(tokens[0].tokenType) : undefined;
  let depth = 0;
  let aggregateClosed = false;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i]!;
    const name = t.tokenType.name;
    if (name === "RParen" || name === "RBracket" || name === "RBrace") {
      depth++;
      continue;
    }
    if (name === "LParen" || name === "LBracket" || name === "LBrace") {
      if (depth > 0) depth--;
      else if (name === "LBrace") return undefined;
      continue;
    }
    if (depth > 0) continue;
    const kw = keywordText(t.tokenType);
    if (kw === undefined) continue;
    if (isType(tokens[i - 1], "Dot")) continue;
    if (AGGREGATES.has(kw) && !aggregateClosed) return { clause: kw, index: i };
    if (AFTER_AGGREGATE.has(kw)) aggregateClosed = true;
    if (decl === "stacking" && kw === "at" && isKeyword(tokens[i + 1], "most")) return { clause: "at most", index: i };
    if (decl === "stacking" && kw === "select") return { clause: "select", index: i };
    if (decl === "promotion" && CLAUSE_ANCHORS.has(kw)) return { clause: kw, index: i };
    if (i === 0 && (kw === "window" || kw === "earn")) return { clause: kw, index: i };
  }
  return undefined;
}

/** The signatures of a clause, the one that matches what is typed, and its active parameter. */
export function signaturesFor(anchor: Anchor, tokens: readonly Token[]): { specs: readonly SignatureSpec[]; active: number; params: number[] } | undefined {
  const specs = SPECS[anchor.clause];
  if (!specs) return undefined;
  const after = tokens.slice(anchor.index + 1);
  const active = chooseSignature(anchor.clause, after);
  return { specs, active, params: specs.map((spec) => activeParameter(spec, after)) };
}

function chooseSignature(clause: string, after: readonly Token[]): number {
  const first = after[0];
  switch (clause) {
    case "give": {
      if (!first) return 0;
      if (isKeyword(first, "price")) return 3;
      if (isKeyword(first, "pack")) return 4;
      if (isKeyword(first, "cheapest")) return 5;
      if (isKeyword(first, "free")) return 6;
      if (isKeyword(first, "coins")) return 7;
      if (isType(first, "PercentLiteral")) return 2;
      return after.some((t) => isKeyword(t, "each")) ? 1 : 0;
    }
    case "valid":
    case "collect":
      return isKeyword(first, "from") ? 1 : 0;
    case "limit":
      return isKeyword(first, "budget") ? 1 : 0;
    default:
      return 0;
  }
}

export function activeParameter(spec: SignatureSpec, after: readonly Token[]): number {
  const params = spec.params;
  if (params.length === 0) return 0;
  const last = params.length - 1;
  let active = 0;
  let consumed = 0;
  let ended = false;
  let depth = 0;
  const complete = () => {
    const p = params[active]!;
    return p.width > 0 ? consumed >= p.width : ended;
  };
  for (const t of after) {
    const name = t.tokenType.name;
    if (depth > 0) {
      if (name === "LParen" || name === "LBracket") depth++;
      else if (name === "RParen" || name === "RBracket") depth--;
      continue;
    }
    const word = t.image;
    const from: number = consumed > 0 || ended ? active + 1 : active;
    let marker = -1;
    for (let k: number = from; k < params.length; k++) {
      if (params[k]!.markers?.includes(word)) {
        marker = k;
        break;
      }
    }
    if (marker >= 0) {
      if (marker !== active) {
        active = marker;
        consumed = 0;
      }
      ended = params[marker]!.end?.includes(word) ?? false;
      continue;
    }
    if (complete() && active < last) {
      active++;
      consumed = 0;
      ended = false;
    }
    consumed++;
    if (name === "LParen" || name === "LBracket") depth = 1;
  }
  if (depth === 0 && complete() && active < last) active++;
  return active;
}
