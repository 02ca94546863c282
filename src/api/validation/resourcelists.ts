/**
 * Compute resource names and quantities, as core validation's validateResourceRequirements,
 * validateContainerResourceName and ValidateResourceQuantityValue: requests ≤ limits, integer
 * extended resources, and hugepages needing cpu or memory.
 */
import type { ResourceRequirements } from "kubernetes-types/core/v1";
import { type Errors, IS_NEGATIVE, type Path, forbidden, invalid, required } from "./field";
import { isQualifiedName } from "./names";
import { QUANTITY_REGEX_MESSAGE, type Quantity, compareQuantities, formatQuantity, isInteger, parseQuantity, sign } from "./quantity";

const STANDARD_CONTAINER_RESOURCES = new Set(["cpu", "memory", "ephemeral-storage"]);
const STANDARD_RESOURCES = new Set([
  "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
  "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "services", "replicationcontrollers",
  "resourcequotas", "secrets", "configmaps", "persistentvolumeclaims", "storage", "requests.storage",
  "services.nodeports", "services.loadbalancers",
]);
const STANDARD_INTEGER_RESOURCES = new Set([
  "pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "configmaps",
  "persistentvolumeclaims", "services.nodeports", "services.loadbalancers",
]);

const isHugePages = (name: string) => name.startsWith("hugepages-");
const isNative = (name: string) => !name.includes("/") || name.includes("kubernetes.io/");
const isExtended = (name: string) => !isNative(name) && !name.startsWith("requests.") && isQualifiedName(`requests.${name}`).length === 0;
const isStandardResource = (name: string) =>
  STANDARD_RESOURCES.has(name) || /^(requests\.|limits\.)?hugepages-/.test(name);
/** helper.IsOvercommitAllowed: hugepages and extended resources need requests == limits. */
const overcommitAllowed = (name: string) => isNative(name) && !isHugePages(name);
const isIntegerResource = (name: string) => STANDARD_INTEGER_RESOURCES.has(name) || isExtended(name);

/** validateResourceName. */
export function validateResourceName(name: string, path: Path): Errors {
  const errs = isQualifiedName(name).map((msg) => invalid(path, name, msg));
  if (errs.length) return errs;
  if (!name.includes("/") && !isStandardResource(name)) {
    errs.push(invalid(path, name, "must be a standard resource type or fully qualified"));
  }
  return errs;
}

/** validateContainerResourceName. */
function validateContainerResourceName(name: string, path: Path): Errors {
  const errs = validateResourceName(name, path);
  if (!name.includes("/")) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePages(name)) {
      errs.push(invalid(path, name, "must be a standard resource for containers"));
    }
  } else if (!isNative(name) && !isExtended(name)) {
    errs.push(invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

/** Parses a quantity, reporting upstream's decode error when it is not one. */
export function quantityAt(value: unknown, path: Path, errs: Errors): Quantity | null {
  const q = parseQuantity(value);
  if (!q) errs.push(invalid(path, typeof value === "string" ? value : String(value), QUANTITY_REGEX_MESSAGE));
  return q;
}

/** ValidateResourceQuantityValue: not negative, whole for integer resources. */
export function validateResourceQuantityValue(name: string, q: Quantity, path: Path): Errors {
  const errs: Errors = [];
  if (sign(q) < 0) errs.push(invalid(path, formatQuantity(q), IS_NEGATIVE));
  if (isIntegerResource(name) && !isInteger(q)) errs.push(invalid(path, formatQuantity(q), "must be an integer"));
  return errs;
}

/** ValidateContainerResourceRequirements. */
export function validateResourceRequirements(req: ResourceRequirements | undefined, path: Path): Errors {
  const errs: Errors = [];
  const limPath = path.child("limits");
  const reqPath = path.child("requests");
  const limits = new Map<string, Quantity>();
  let cpuOrMemory = false;
  let hugePages = false;
  for (const [name, value] of Object.entries(req?.limits ?? {})) {
    const p = limPath.key(name);
    errs.push(...validateContainerResourceName(name, p));
    const q = quantityAt(value, p, errs);
    if (!q) continue;
    limits.set(name, q);
    errs.push(...validateResourceQuantityValue(name, q, p));
    if (isHugePages(name)) hugePages = true;
    if (name === "cpu" || name === "memory") cpuOrMemory = true;
  }
  for (const [name, value] of Object.entries(req?.requests ?? {})) {
    const p = reqPath.key(name);
    errs.push(...validateContainerResourceName(name, p));
    const q = quantityAt(value, p, errs);
    if (!q) continue;
    errs.push(...validateResourceQuantityValue(name, q, p));
    const limit = limits.get(name);
    if (limit) {
      const cmp = compareQuantities(q, limit);
      if (cmp !== 0 && !overcommitAllowed(name)) {
        errs.push(invalid(reqPath, formatQuantity(q), `must be equal to ${name} limit of ${formatQuantity(limit)}`));
      } else if (cmp > 0) {
        errs.push(invalid(reqPath, formatQuantity(q), `must be less than or equal to ${name} limit of ${formatQuantity(limit)}`));
      }
    } else if (!overcommitAllowed(name)) {
      errs.push(required(limPath, "Limit must be set for non overcommitable resources"));
    }
    if (isHugePages(name)) hugePages = true;
    if (name === "cpu" || name === "memory") cpuOrMemory = true;
  }
  if (!cpuOrMemory && hugePages) errs.push(forbidden(path, "HugePages require cpu or memory"));
  return errs;
}
