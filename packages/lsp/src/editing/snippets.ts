/** Whole declarations as snippets (LSP snippet syntax: `${1:placeholder}`, `$0` for the final cursor). */
export interface Snippet {
  label: string;
  detail: string;
  body: string;
}

function day(offsetDays: number): string {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** The snippets offered where a declaration may start; amounts in the file's currency. */
export function declarationSnippets(currency: string | undefined): Snippet[] {
  const cur = currency ?? "USD";
  const from = day(1);
  const to = day(8);
  return [
    {
      label: "promotion (automatic discount)",
      detail: "An automatic amount off the order above a threshold",
      body: [
        "promotion ${1:id} {",
        '  title "${2:5.00 ' + cur + " off orders over 25.00 " + cur + '}"',
        "  kind automatic",
        "  when subtotal exceeds ${3:25.00} " + cur,
        "  give ${4:5.00} " + cur + " off ${5:order}",
        "}$0",
      ].join("\n"),
    },
    {
      label: "promotion (coupon with code and window)",
      detail: "A platform coupon: code, validity window, expiry",
      body: [
        "promotion ${1:id} {",
        '  title "${2:Coupon: 10% off}"',
        "  kind ${3|platform-coupon,store-coupon,promo-code|}",
        '  code "${4:SAVE10}"',
        `  valid from \${5:${from} 00:00:00} to \${6:${to} 23:59:59} in \${7:UTC}`,
        "  expires ${8:2} months after activation",
        "  give ${9:10%} off ${10:order}",
        "  limit 1 per customer",
        "}$0",
      ].join("\n"),
    },
    {
      label: "promotion (free shipping)",
      detail: "Free shipping to a country above a threshold after discounts",
      body: [
        "promotion ${1:free-shipping} {",
        '  title "${2:Free shipping}"',
        "  kind shipping",
        "  when shipping.country is ${3:US} and subtotal after discounts at least ${4:30.00} " + cur,
        "  give free shipping",
        "}$0",
      ].join("\n"),
    },
    {
      label: "promotion (coins)",
      detail: "Pay part of the order with coins",
      body: [
        "promotion ${1:coins} {",
        '  title "${2:Pay up to half of the order with coins}"',
        "  kind coins",
        "  give coins at ${3:100} per ${4:1.00} " + cur + " up to ${5:50}% of order",
        "}$0",
      ].join("\n"),
    },
    {
      label: "scope",
      detail: "A named set of cart lines",
      body: 'scope ${1:name} = line.${2|store,sku,category,product|} is "${3:value}"$0',
    },
    {
      label: "window",
      detail: "A named time window in a time zone",
      body: `window \${1:name} = from \${2:${from} 00:00:00} to \${3:${to} 23:59:59} in \${4:UTC}$0`,
    },
    {
      label: "stacking",
      detail: "Stacking rules: which promotions may apply together",
      body: [
        "stacking {",
        "  at most ${1:1} ${2|platform-coupon,store-coupon,promo-code,coupons,automatic|} per ${3|order,store,line,customer|}",
        "  select ${4|best-for-buyer,first-by-priority|}",
        "}$0",
      ].join("\n"),
    },
    {
      label: "example",
      detail: "A test cart and what pricing it must give",
      body: [
        'example "${1:name}" {',
        "  cart {",
        `    at: \${2:${from} 12:00:00} in \${3:UTC},`,
        '    customer: { id: "${4:c1}", region: ${5:US} },',
        "    lines: [",
        '      { id: "l1", sku: "${6:SKU-1}", unitPrice: ${7:10.00} ' + cur + ", quantity: ${8:1} },",
        "    ],",
        "  }",
        "  expect {",
        "    applied: [${9}],",
        "    total: ${10:10.00} " + cur + ",",
        "  }",
        "}$0",
      ].join("\n"),
    },
  ];
}
