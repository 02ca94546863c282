/**
 * ResourceList arithmetic as k8s.io/apiserver's quota/v1 helpers (Add, Mask, LessThanOrEqual) and
 * resource.Quantity.Add, on the canonical strings objects store. Sums keep the left operand's
 * format, except that a zero takes the other's (Quantity.Add), so 0 + 600Mi prints "600Mi" and
 * 400m + 1 prints "1400m".
 */
import { type Quantity, compareQuantities, formatQuantity, parseQuantity } from "../validation/quantity";

export type ResourceList = Record<string, string>;

const ZERO: Quantity = { mantissa: 0n, exponent: 0, format: "DecimalSI" };

function quantity(text: string | undefined): Quantity {
  return (text !== undefined && parseQuantity(text)) || ZERO;
}

/** Quantity.Add. */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  const exponent = Math.min(a.exponent, b.exponent);
  const mantissa = a.mantissa * 10n ** BigInt(a.exponent - exponent) + b.mantissa * 10n ** BigInt(b.exponent - exponent);
  return { mantissa, exponent, format: a.mantissa === 0n ? b.format : a.format };
}

/** quota.Add: every name of either list, summed where both have it. */
export function addLists(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = { ...a };
  for (const [name, value] of Object.entries(b)) {
    out[name] = name in a ? formatQuantity(addQuantities(quantity(a[name]), quantity(value))) : value;
  }
  return out;
}

/** quota.Mask: only the named entries. */
export function maskList(list: ResourceList, names: Iterable<string>): ResourceList {
  const out: ResourceList = {};
  for (const name of names) if (name in list) out[name] = list[name];
  return out;
}

/** quota.LessThanOrEqual's second result: the names of `usage` above `hard` (names hard lacks are free). */
export function exceededNames(usage: ResourceList, hard: ResourceList): string[] {
  return Object.keys(usage).filter((name) => name in hard && compareQuantities(quantity(usage[name]), quantity(hard[name])) > 0).sort();
}

/** quota.RemoveZeros. */
export function removeZeros(list: ResourceList): ResourceList {
  return Object.fromEntries(Object.entries(list).filter(([, v]) => quantity(v).mantissa !== 0n));
}

/** The resource quota admission's prettyPrint: "requests.memory=700Mi,requests.cpu=400m", names sorted. */
export function prettyPrint(list: ResourceList): string {
  return Object.keys(list).sort().map((name) => `${name}=${formatQuantity(quantity(list[name]))}`).join(",");
}

/** A zero of each name ("0"), as the usage of a resource nothing uses. */
export function zeros(names: Iterable<string>): ResourceList {
  return Object.fromEntries([...names].map((n) => [n, "0"]));
}

export { compareQuantities, formatQuantity, parseQuantity, quantity as toQuantity };
