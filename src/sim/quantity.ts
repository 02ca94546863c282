/**
 * Resource quantities as plain numbers for the simulation's arithmetic: cpu in millicores
 * (Quantity.MilliValue), memory and everything else in whole units (Quantity.Value). Both round up,
 * as apimachinery does, so "0.1m" of cpu is 1 millicore and "0.5" bytes is 1 byte.
 *
 *   milliValue("100m") = 100     milliValue("0.5") = 500      milliValue("2") = 2000
 *   value("128Mi") = 134217728   value("1G") = 1000000000     value("2e3") = 2000
 *
 * Parsing is exact (decimal mantissa and exponent, see api/validation/quantity), then converted to a
 * double; results are memoised by text because a cluster repeats the same few quantities endlessly.
 */
import { parseQuantity as parseExact } from "../api/validation/quantity";

const CACHE_LIMIT = 4096;
const milliCache = new Map<string, number>();
const valueCache = new Map<string, number>();

function remember(cache: Map<string, number>, key: string, value: number): number {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

/** ceil(mantissa × 10^(exponent + shift)), exactly, as a double. NaN when not a quantity. */
function scaledCeil(input: unknown, shift: number): number {
  const q = parseExact(input);
  if (!q) return NaN;
  const exponent = q.exponent + shift;
  if (exponent >= 0) return Number(q.mantissa * 10n ** BigInt(exponent));
  const divisor = 10n ** BigInt(-exponent);
  let whole = q.mantissa / divisor;
  // BigInt division truncates toward zero; round up (toward +∞) only for positive remainders.
  if (q.mantissa % divisor !== 0n && q.mantissa > 0n) whole += 1n;
  return Number(whole);
}

/** Quantity.MilliValue: "100m" → 100, "0.5" → 500, "2" → 2000. NaN when the text is not a quantity. */
export function milliValue(input: unknown): number {
  if (typeof input === "number") return scaledCeil(input, 3);
  if (typeof input !== "string") return NaN;
  const hit = milliCache.get(input);
  return hit !== undefined ? hit : remember(milliCache, input, scaledCeil(input, 3));
}

/** Quantity.Value: "128Mi" → 134217728, "1G" → 1e9, "2e3" → 2000, "110" → 110. NaN when invalid. */
export function value(input: unknown): number {
  if (typeof input === "number") return scaledCeil(input, 0);
  if (typeof input !== "string") return NaN;
  const hit = valueCache.get(input);
  return hit !== undefined ? hit : remember(valueCache, input, scaledCeil(input, 0));
}

/** The number a resource of this name is counted in: millicores for cpu, units for the rest. */
export function resourceAmount(name: string, input: unknown): number {
  return name === "cpu" ? milliValue(input) : value(input);
}

/** A ResourceList ({cpu: "500m", memory: "1Gi"}) as numbers; entries that do not parse are left out. */
export function resourceList(list: Record<string, unknown> | undefined | null): Record<string, number> {
  const out: Record<string, number> = {};
  if (!list) return out;
  for (const [name, raw] of Object.entries(list)) {
    const n = resourceAmount(name, raw);
    if (!Number.isNaN(n)) out[name] = n;
  }
  return out;
}
