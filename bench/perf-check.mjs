/**
 * What the performance benchmark compares between contenders, for every cart it measured: the applied promotion
 * ids (in application order), each line's discount and the totals, all in integer cents. `fingerprint` turns an
 * engine result (`evaluate`'s PricingResult, money as decimal strings) or a baseline's result (integer cents and
 * its lines, bench/perf-baselines.mjs) into the same string; it is computed outside every timed region.
 */

/** "19.99" → 1999 (USD amounts in the results have two decimals). */
export function centsOf(text) {
  const negative = text.startsWith("-");
  const [whole, frac = ""] = (negative ? text.slice(1) : text).split(".");
  const value = Number(whole) * 100 + Number((frac + "00").slice(0, 2));
  return negative ? -value : value;
}

export function fingerprint(result, cart) {
  if (typeof result.discount === "string") {
    const shipping = cart.shipping ? centsOf(cart.shipping.price) : 0;
    const lines = result.lines
      .filter((l) => centsOf(l.discount) !== 0)
      .map((l) => `${l.id}:${centsOf(l.discount)}`)
      .sort();
    return [
      `applied ${result.applied.map((a) => a.id).join(",")}`,
      `lines ${lines.join(",")}`,
      `subtotal ${centsOf(result.subtotal)} discount ${centsOf(result.discount)} shipping ${shipping - centsOf(result.shipping)} total ${centsOf(result.total)}`,
    ].join("; ");
  }
  const { c } = result;
  const lines = [];
  for (let i = 0; i < c.lines.length; i++) {
    const d = c.subtotal[i] - c.remaining[i];
    if (d !== 0) lines.push(`${c.lines[i].id}:${d}`);
  }
  lines.sort();
  return [
    `applied ${result.applied.join(",")}`,
    `lines ${lines.join(",")}`,
    `subtotal ${result.subtotal} discount ${result.discount} shipping ${result.shippingDiscount} total ${result.total}`,
  ].join("; ");
}
