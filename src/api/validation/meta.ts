/**
 * Object metadata, labels, annotations and label selectors, as apimachinery's api/validation
 * (ValidateObjectMeta, ValidateObjectMetaUpdate) and meta/v1/validation (ValidateLabels,
 * ValidateLabelSelector). Namespace presence is the caller's job, so namespaces are not checked here.
 */
import type { LabelSelector, ObjectMeta, OwnerReference } from "kubernetes-types/meta/v1";
import { type Errors, FIELD_IMMUTABLE, Path, forbidden, invalid, nonNegative, required, tooLong } from "./field";
import { goStringSlice, jsonValue } from "./govalue";
import { type NameFn, isQualifiedName, isValidLabelValue } from "./names";

/** apimachinery's TotalAnnotationSizeLimitB: 256 KiB. */
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** Semantic.DeepEqual over JSON values (absent and undefined are the same). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!deepEqual(ao[k], bo[k])) return false;
  return true;
}

/** ValidateLabelName: a qualified name, reported with the whole labels path as upstream does. */
export function validateLabelName(key: string, path: Path): Errors {
  return isQualifiedName(key).map((msg) => invalid(path, key, msg));
}

/** ValidateLabels. */
export function validateLabels(labels: Record<string, string> | undefined | null, path: Path): Errors {
  const errs: Errors = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...validateLabelName(k, path));
    for (const msg of isValidLabelValue(String(v))) errs.push(invalid(path, String(v), msg));
  }
  return errs;
}

/** ValidateAnnotations: lower-cased qualified keys and 256 KiB in total. */
export function validateAnnotations(annotations: Record<string, string> | undefined | null, path: Path): Errors {
  const errs: Errors = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, msg));
    total += byteLength(k) + byteLength(String(v));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

export function byteLength(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** ValidateLabelSelectorRequirement + ValidateLabelSelector (strict label values). */
export function validateLabelSelector(selector: LabelSelector | undefined | null, path: Path): Errors {
  if (!selector) return [];
  const errs = validateLabels(selector.matchLabels, path.child("matchLabels"));
  (selector.matchExpressions ?? []).forEach((expr, i) => {
    const p = path.child("matchExpressions").index(i);
    const values = expr.values ?? [];
    switch (expr.operator) {
      case "In":
      case "NotIn":
        if (values.length === 0) errs.push(required(p.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case "Exists":
      case "DoesNotExist":
        if (values.length > 0) errs.push(forbidden(p.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(invalid(p.child("operator"), expr.operator ?? "", "not a valid selector operator"));
    }
    errs.push(...validateLabelName(expr.key ?? "", p.child("key")));
    values.forEach((v, j) => {
      for (const msg of isValidLabelValue(v)) errs.push(invalid(p.child("values").index(j), v, msg));
    });
  });
  return errs;
}

/**
 * metav1.LabelSelectorAsSelector, as a predicate: null when the selector cannot be converted (upstream
 * then reports "invalid label selector"); a nil selector selects nothing, an empty one everything.
 */
export function selectorMatcher(selector: LabelSelector | undefined | null): { empty: boolean; matches: (labels: Record<string, string> | undefined) => boolean } | null {
  if (!selector) return { empty: false, matches: () => false };
  if (validateLabelSelector(selector, Path.root("selector")).length > 0) return null;
  const matchLabels = Object.entries(selector.matchLabels ?? {});
  const exprs = selector.matchExpressions ?? [];
  return {
    empty: matchLabels.length === 0 && exprs.length === 0,
    matches: (labels = {}) =>
      matchLabels.every(([k, v]) => labels[k] === v) &&
      exprs.every((e) => {
        const has = Object.prototype.hasOwnProperty.call(labels, e.key);
        switch (e.operator) {
          case "In": return has && (e.values ?? []).includes(labels[e.key]);
          case "NotIn": return !has || !(e.values ?? []).includes(labels[e.key]);
          case "Exists": return has;
          default: return !has;
        }
      }),
  };
}

function validateOwnerReferences(refs: OwnerReference[] | undefined, path: Path): Errors {
  const errs: Errors = [];
  let firstController = "";
  for (const ref of refs ?? []) {
    const apiVersion = ref.apiVersion ?? "";
    const version = apiVersion.includes("/") ? apiVersion.split("/")[1] : apiVersion;
    if (!version) errs.push(invalid(path.child("apiVersion"), apiVersion, "version must not be empty"));
    if (!ref.kind) errs.push(invalid(path.child("kind"), ref.kind ?? "", "kind must not be empty"));
    if (!ref.name) errs.push(invalid(path.child("name"), ref.name ?? "", "name must not be empty"));
    if (!ref.uid) errs.push(invalid(path.child("uid"), ref.uid ?? "", "uid must not be empty"));
    if (apiVersion === "v1" && ref.kind === "Event") errs.push(invalid(path, jsonValue(ref), "/v1, Kind=Event is disallowed from being an owner"));
    if (ref.controller) {
      const current = `${ref.kind}/${ref.name}`;
      if (firstController) {
        errs.push(invalid(path, jsonValue(refs), `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`));
      } else {
        firstController = current;
      }
    }
  }
  return errs;
}

/** Finalizers without a domain that Kubernetes itself knows (IsStandardFinalizerName). */
const STANDARD_FINALIZERS = new Set(["kubernetes", "orphan", "foregroundDeletion"]);

function validateFinalizers(finalizers: string[] | undefined, path: Path): Errors {
  const errs: Errors = [];
  for (const f of finalizers ?? []) for (const msg of isQualifiedName(f)) errs.push(invalid(path, f, msg));
  if (finalizers?.includes("orphan") && finalizers.includes("foregroundDeletion")) {
    errs.push(invalid(path, goStringSlice(finalizers), "finalizer orphan and foregroundDeletion cannot be both set"));
  }
  (finalizers ?? []).forEach((f, i) => {
    if (!f.includes("/") && !STANDARD_FINALIZERS.has(f)) {
      errs.push(invalid(path.index(i), f, "name is neither a standard finalizer name nor is it fully qualified"));
    }
  });
  return errs;
}

/** ValidateObjectMeta for create. Generated names are resolved by the caller, so name is checked as given. */
export function validateObjectMeta(meta: ObjectMeta | undefined, nameFn: NameFn, path: Path): Errors {
  const m = meta ?? {};
  const errs: Errors = [];
  if (m.generateName) for (const msg of nameFn(m.generateName, true)) errs.push(invalid(path.child("generateName"), m.generateName, msg));
  if (!m.name) errs.push(required(path.child("name"), "name or generateName is required"));
  else for (const msg of nameFn(m.name, false)) errs.push(invalid(path.child("name"), m.name, msg));
  errs.push(...nonNegative(m.generation, path.child("generation")));
  errs.push(...validateLabels(m.labels, path.child("labels")));
  errs.push(...validateAnnotations(m.annotations, path.child("annotations")));
  errs.push(...validateOwnerReferences(m.ownerReferences, path.child("ownerReferences")));
  errs.push(...validateFinalizers(m.finalizers, path.child("finalizers")));
  return errs;
}

/**
 * ValidateObjectMetaUpdate. Like upstream's BeforeUpdate, an empty uid or creationTimestamp means
 * "unchanged"; resourceVersion and generation belong to the caller.
 */
export function validateObjectMetaUpdate(meta: ObjectMeta | undefined, old: ObjectMeta | undefined, path: Path): Errors {
  const m = meta ?? {};
  const o = old ?? {};
  const errs: Errors = [];
  if (o.deletionTimestamp) {
    const extra = [...new Set(m.finalizers ?? [])].filter((f) => !(o.finalizers ?? []).includes(f)).sort();
    if (extra.length) {
      errs.push(forbidden(path.child("finalizers"), `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(extra).text}`));
    }
  }
  const immutable = (field: keyof ObjectMeta, newValue: unknown, oldValue: unknown) => {
    if (!deepEqual(newValue, oldValue)) errs.push(invalid(path.child(field), newValue ?? "", FIELD_IMMUTABLE));
  };
  immutable("name", m.name, o.name);
  immutable("namespace", m.namespace, o.namespace);
  if (m.uid) immutable("uid", m.uid, o.uid);
  errs.push(...validateLabels(m.labels, path.child("labels")));
  errs.push(...validateAnnotations(m.annotations, path.child("annotations")));
  errs.push(...validateOwnerReferences(m.ownerReferences, path.child("ownerReferences")));
  errs.push(...validateFinalizers(m.finalizers, path.child("finalizers")));
  return errs;
}

/** ValidateImmutableField. */
export function immutableField(newValue: unknown, oldValue: unknown, path: Path, render: (v: unknown) => unknown = (v) => v): Errors {
  return deepEqual(newValue, oldValue) ? [] : [invalid(path, render(newValue), FIELD_IMMUTABLE)];
}
