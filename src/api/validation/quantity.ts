/**
 * resource.Quantity as apimachinery parses and prints it: exact decimal values (mantissa × 10^exp),
 * the format remembered from the suffix (DecimalSI, BinarySI, DecimalExponent), rounding up to nano
 * on parse, and the canonical String() kubectl shows (`0.5` → `500m`, `1024Mi` → `1Gi`).
 */

export type QuantityFormat = "DecimalSI" | "BinarySI" | "DecimalExponent";

export interface Quantity {
  /** value = mantissa × 10^exponent */
  mantissa: bigint;
  exponent: number;
  format: QuantityFormat;
}

export const QUANTITY_REGEX_MESSAGE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };

const pow10 = (n: number) => 10n ** BigInt(n);

/** resource.ParseQuantity; null when the text is not a quantity. Numbers (JSON) are accepted too. */
export function parseQuantity(input: unknown): Quantity | null {
  if (typeof input !== "string" && typeof input !== "number") return null;
  const text = String(input).trim();
  const match = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/.exec(text);
  if (!match) return null;
  const [, sign, whole, fraction = "", suffix] = match;
  if (whole === "" && fraction === "") return null;
  let mantissa = BigInt(`${whole || "0"}${fraction}`);
  let exponent = -fraction.length;
  let format: QuantityFormat;
  if (suffix in DECIMAL_SUFFIXES) {
    format = "DecimalSI";
    exponent += DECIMAL_SUFFIXES[suffix];
  } else if (suffix in BINARY_SUFFIXES) {
    format = "BinarySI";
    mantissa *= 1024n ** BigInt(BINARY_SUFFIXES[suffix]);
  } else if (/^[eE][-+]?[0-9]+$/.test(suffix)) {
    format = "DecimalExponent";
    exponent += Number(suffix.slice(1));
  } else {
    return null;
  }
  if (sign === "-") mantissa = -mantissa;
  return roundUpTo({ mantissa, exponent, format }, -9);
}

/** Quantity.RoundUp(scale): drop precision below 10^scale, rounding away from zero. */
export function roundUpTo(q: Quantity, scale: number): Quantity {
  if (q.exponent >= scale) return q;
  const divisor = pow10(scale - q.exponent);
  const negative = q.mantissa < 0n;
  const abs = negative ? -q.mantissa : q.mantissa;
  let m = abs / divisor;
  if (abs % divisor !== 0n) m += 1n;
  return { mantissa: negative ? -m : m, exponent: scale, format: q.format };
}

function align(a: Quantity, b: Quantity): [bigint, bigint] {
  const e = Math.min(a.exponent, b.exponent);
  return [a.mantissa * pow10(a.exponent - e), b.mantissa * pow10(b.exponent - e)];
}

/** Quantity.Cmp: -1, 0 or 1. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function sign(q: Quantity): number {
  return q.mantissa < 0n ? -1 : q.mantissa > 0n ? 1 : 0;
}

/** Whether the value is a whole number (MilliValue() % 1000 == 0). */
export function isInteger(q: Quantity): boolean {
  if (q.exponent >= 0) return true;
  return q.mantissa % pow10(-q.exponent) === 0n;
}

/** Strip factors of 10 from the mantissa, then lower the exponent to a multiple of 3. */
function canonicalDecimal(q: Quantity): { mantissa: bigint; exponent: number } {
  let { mantissa, exponent } = q;
  while (mantissa !== 0n && mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  const rem = ((exponent % 3) + 3) % 3;
  mantissa *= pow10(rem);
  exponent -= rem;
  return { mantissa, exponent };
}

/** Quantity.String(): the canonical form. */
export function formatQuantity(q: Quantity): string {
  if (q.mantissa === 0n) return "0";
  let format = q.format;
  if (format === "BinarySI") {
    // Below 1Ki, or fractional, binary suffixes would round: upstream prints those as DecimalSI.
    const magnitude = { ...q, mantissa: q.mantissa < 0n ? -q.mantissa : q.mantissa };
    if (compareQuantities(magnitude, { mantissa: 1024n, exponent: 0, format }) < 0 || !isInteger(q)) format = "DecimalSI";
  }
  if (format === "BinarySI") {
    let amount = q.exponent >= 0 ? q.mantissa * pow10(q.exponent) : q.mantissa / pow10(-q.exponent);
    let power = 0;
    while (power < 6 && amount % 1024n === 0n) {
      amount /= 1024n;
      power++;
    }
    return `${amount}${["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][power]}`;
  }
  const { mantissa, exponent } = canonicalDecimal(q);
  if (format === "DecimalExponent") return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
  const suffix = Object.entries(DECIMAL_SUFFIXES).find(([, e]) => e === exponent)?.[0];
  return suffix === undefined ? `${mantissa}e${exponent}` : `${mantissa}${suffix}`;
}

/** The canonical text of a quantity value, or the input itself when it does not parse. */
export function canonicalQuantity(input: unknown): unknown {
  const q = parseQuantity(input);
  return q ? formatQuantity(q) : input;
}
