import { describe, expect, it } from "vitest";
import { splitFunding } from "../src/settlement/split.js";

/** The documented rule, in BigInt: floor of each share, the leftover unit to the larger remainder, a tie to the platform. */
function byTheRule(amount: bigint, platform: bigint, seller: bigint): { platform: number; seller: number } {
  const total = platform + seller;
  const p = (amount * platform) / total;
  const s = (amount * seller) / total;
  const pr = (amount * platform) % total;
  const sr = (amount * seller) % total;
  const leftover = amount - p - s;
  return pr >= sr ? { platform: Number(p + leftover), seller: Number(s) } : { platform: Number(p), seller: Number(s + leftover) };
}

describe("splitting a funded amount between platform and seller", () => {
  it("follows the rule on the boundaries: one party alone, a tie, the leftover unit", () => {
    expect(splitFunding(101, { platform: 1, seller: 0 })).toEqual({ platform: 101, seller: 0 });
    expect(splitFunding(101, { platform: 0, seller: 1 })).toEqual({ platform: 0, seller: 101 });
    expect(splitFunding(101, { platform: 50, seller: 50 })).toEqual({ platform: 51, seller: 50 });
    expect(splitFunding(100, { platform: 70, seller: 30 })).toEqual({ platform: 70, seller: 30 });
    expect(splitFunding(1, { platform: 30, seller: 70 })).toEqual({ platform: 0, seller: 1 });
  });

  it("agrees with the rule in BigInt for small and huge amounts (the exact double path and the BigInt path)", () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let k = 0; k < 5000; k++) {
      const huge = k % 2 === 0;
      const amount = huge ? Number.MAX_SAFE_INTEGER - next() : next() % 1_000_000;
      const platform = (next() % 10_000) + 1;
      const seller = (next() % 10_000) + 1;
      expect(splitFunding(amount, { platform, seller }), `${amount} ${platform}:${seller}`).toEqual(
        byTheRule(BigInt(amount), BigInt(platform), BigInt(seller)),
      );
    }
  });
});
