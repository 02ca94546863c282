/**
 * Digits of π for the docs' Job example, `perl -Mbignum=bpi -wle "print bpi(2000)"`, which prints π
 * to 2000 significant digits ("3." and 1999 decimals). Machin's formula π = 16·atan(1/5) − 4·atan(1/239)
 * in BigInt fixed point with guard digits; results are cached since the same Job runs many pods.
 */
const cache = new Map<number, string>();

/** Perl's bpi(n): π rounded to `digits` significant digits (capped at 20 000). */
export function piDigits(digits: number): string {
  const n = Math.max(1, Math.min(20_000, Math.floor(digits)));
  const cached = cache.get(n);
  if (cached) return cached;
  const guard = 10;
  const scale = 10n ** BigInt(n + guard);
  const atanInv = (x: bigint): bigint => {
    // atan(1/x) = 1/x − 1/(3x³) + 1/(5x⁵) − …
    const x2 = x * x;
    let term = scale / x;
    let sum = term;
    for (let k = 1n; term !== 0n; k++) {
      term /= x2;
      const part = term / (2n * k + 1n);
      sum += k % 2n === 1n ? -part : part;
    }
    return sum;
  };
  const pi = 16n * atanInv(5n) - 4n * atanInv(239n);
  // Round to n significant digits (one of them before the point).
  const rounded = (pi + 5n * 10n ** BigInt(guard)) / 10n ** BigInt(guard + 1);
  const text = rounded.toString();
  const result = n === 1 ? text : `${text[0]}.${text.slice(1)}`;
  cache.set(n, result);
  return result;
}
