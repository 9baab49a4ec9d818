/**
 * Largest-remainder (Hamilton) allocation of an integer amount.
 *
 * Each share starts as floor(total × weight ÷ sum(weights)), computed exactly
 * with BigInt. The units lost to flooring (always fewer than the number of
 * shares) are handed out one each, in this order:
 *
 *   1. larger fractional remainder first;
 *   2. on equal remainders, the larger weight first;
 *   3. on equal weights too, the lower index first (or, given `before`, the
 *      share that `before` puts first).
 *
 * The rule is total and deterministic, so the same cart always splits the
 * same way regardless of engine or sort stability.
 *
 * Consequences callers may rely on:
 *   - the shares sum to `total` exactly;
 *   - a zero weight always gets 0;
 *   - if total ≤ sum(weights), no share exceeds its weight (a discount spread
 *     over lines never pushes a line below zero). Only shares with a non-zero
 *     remainder receive a leftover unit, and for those floor + 1 ≤ weight.
 */

interface Candidate {
  index: number;
  weight: bigint;
  remainder: bigint;
}

/** The last tie-break: the order of two share indexes (negative when `a` comes first). Default: index order. */
export type ShareOrder = (a: number, b: number) => number;

const byIndex: ShareOrder = (a, b) => a - b;

function compareForLeftover(a: Candidate, b: Candidate, before: ShareOrder): number {
  if (a.remainder !== b.remainder) return a.remainder > b.remainder ? -1 : 1;
  if (a.weight !== b.weight) return a.weight > b.weight ? -1 : 1;
  return before(a.index, b.index);
}

function validate(total: number, weights: readonly number[]): void {
  if (!Number.isSafeInteger(total) || total < 0) {
    throw new RangeError(`total must be a non-negative safe integer, got ${total}`);
  }
  for (let index = 0; index < weights.length; index++) {
    const weight = weights[index]!;
    if (!Number.isSafeInteger(weight) || weight < 0) {
      throw new RangeError(`weights[${index}] must be a non-negative safe integer, got ${weight}`);
    }
  }
}

/**
 * Splits `total` minor units across `weights` in proportion, exactly.
 * Throws RangeError on invalid input, and when every weight is zero but
 * `total` is not (there is no proportion to follow).
 */
export function allocateLargestRemainder(total: number, weights: readonly number[], before: ShareOrder = byIndex): number[] {
  validate(total, weights);
  const fast = new Array<number>(weights.length);
  if (allocateInNumbers(total, weights, before, fast)) return fast;
  return allocateExactly(total, weights, before);
}

/**
 * The same allocation written into `shares[0 … weights.length)`, for callers that split many amounts and keep no
 * array per split. The caller vouches for the inputs (non-negative safe integers, not every weight zero unless
 * `total` is); nothing is allocated when every product total × weight is exact in a double.
 */
export function allocateLargestRemainderInto(total: number, weights: readonly number[], before: ShareOrder, shares: number[]): void {
  if (allocateInNumbers(total, weights, before, shares)) return;
  const exact = allocateExactly(total, weights, before);
  for (let i = 0; i < exact.length; i++) shares[i] = exact[i]!;
}

/** The allocation in BigInt, for products past 2^53. */
function allocateExactly(total: number, weights: readonly number[], before: ShareOrder): number[] {
  const weightSum = weights.reduce((sum, weight) => sum + BigInt(weight), 0n);
  if (weightSum === 0n) {
    if (total === 0) return weights.map(() => 0);
    throw new RangeError(`cannot allocate ${total} across weights that are all zero`);
  }

  const bigTotal = BigInt(total);
  const shares: number[] = [];
  const candidates: Candidate[] = [];
  let allocated = 0n;
  weights.forEach((weight, index) => {
    const scaled = bigTotal * BigInt(weight);
    const share = scaled / weightSum;
    allocated += share;
    shares.push(Number(share));
    candidates.push({ index, weight: BigInt(weight), remainder: scaled % weightSum });
  });

  const leftover = Number(bigTotal - allocated);
  candidates.sort((a, b) => compareForLeftover(a, b, before));
  for (const candidate of candidates.slice(0, leftover)) {
    shares[candidate.index] = (shares[candidate.index] ?? 0) + 1;
  }
  return shares;
}

let remainderScratch: number[] = [];
let bestScratch: number[] = [];

/** Whether share `i` (remainder `r`) comes before share `j` for a leftover unit. */
function ahead(i: number, j: number, r: number, remainders: readonly number[], weights: readonly number[], before: ShareOrder): boolean {
  const rj = remainders[j]!;
  if (r !== rj) return r > rj;
  const wi = weights[i]!;
  const wj = weights[j]!;
  return wi !== wj ? wi > wj : before(i, j) < 0;
}

/**
 * The same allocation in plain numbers, when every product total × weight is exact in a double (below 2^53):
 * the common case of cart amounts, written into `shares`. Returns false otherwise, and the BigInt path decides.
 */
function allocateInNumbers(total: number, weights: readonly number[], before: ShareOrder, shares: number[]): boolean {
  let weightSum = 0;
  let maxWeight = 0;
  // An index loop: a for-of here allocated an iterator result per weight (measured).
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    weightSum += w;
    if (w > maxWeight) maxWeight = w;
  }
  if (weightSum === 0 || !Number.isSafeInteger(weightSum) || total * Math.max(maxWeight, weightSum) > Number.MAX_SAFE_INTEGER) return false;
  const n = weights.length;
  // Scratch, reused by every call (nothing here calls out but `before`, which only compares, so no call can
  // interleave with another).
  if (remainderScratch.length < n) remainderScratch = new Array<number>(n);
  const remainders = remainderScratch;
  let allocated = 0;
  for (let i = 0; i < n; i++) {
    const scaled = total * weights[i]!;
    const share = Math.floor(scaled / weightSum);
    shares[i] = share;
    remainders[i] = scaled - share * weightSum;
    allocated += share;
  }
  const leftover = total - allocated;
  if (leftover === 0) return true;
  if (leftover <= 64) {
    // Few units to hand out: keep the `leftover` best candidates in order while reading each once, rather than
    // sorting them all. Ahead: the larger remainder, then the larger weight, then `before`'s order (the earlier
    // index by default).
    if (bestScratch.length < leftover) bestScratch = new Array<number>(leftover);
    const best = bestScratch;
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const r = remainders[i]!;
      if (kept === leftover && !ahead(i, best[kept - 1]!, r, remainders, weights, before)) continue;
      let j = kept < leftover ? kept++ : kept - 1;
      while (j > 0 && ahead(i, best[j - 1]!, r, remainders, weights, before)) {
        best[j] = best[j - 1]!;
        j--;
      }
      best[j] = i;
    }
    for (let k = 0; k < leftover; k++) shares[best[k]!]! += 1;
    return true;
  }
  // Many units: every share whose remainder is above the leftover-th largest gets one, found by selection rather
  // than by sorting them all; the shares tied at that remainder take the units left in the order above.
  const threshold = nthLargest(remainders, n, leftover);
  const tied: number[] = [];
  let given = 0;
  for (let i = 0; i < n; i++) {
    const r = remainders[i]!;
    if (r > threshold) {
      shares[i]! += 1;
      given++;
    } else if (r === threshold) tied.push(i);
  }
  // Exact differences: weights are safe integers.
  tied.sort((a, b) => weights[b]! - weights[a]! || before(a, b));
  for (let k = 0; k < leftover - given; k++) shares[tied[k]!]! += 1;
  return true;
}

let selectScratch = new Float64Array(0);

/**
 * The k-th largest of values[0 … n) (1 ≤ k ≤ n): quickselect with a median-of-three pivot on a scratch copy,
 * linear on average; past a bounded number of rounds it sorts what is left, so no input makes it quadratic.
 */
function nthLargest(values: readonly number[], n: number, k: number): number {
  if (selectScratch.length < n) selectScratch = new Float64Array(Math.max(n, 2 * selectScratch.length));
  const a = selectScratch;
  for (let i = 0; i < n; i++) a[i] = values[i]!;
  const target = n - k; // its place in ascending order
  let lo = 0;
  let hi = n - 1;
  for (let rounds = 2 * Math.ceil(Math.log2(n + 1)) + 4; lo < hi; rounds--) {
    if (rounds === 0) {
      a.subarray(lo, hi + 1).sort();
      return a[target]!;
    }
    const x = a[lo]!;
    const y = a[(lo + hi) >>> 1]!;
    const z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    // Now a[lo … j] ≤ pivot ≤ a[i … hi], and everything between equals the pivot.
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return pivot;
  }
  return a[target]!;
}
