/**
 * rbac.authorization.k8s.io/v1 Roles and bindings, as rbac validation's ValidateRole,
 * ValidateClusterRole, ValidateRoleBinding and ValidateClusterRoleBinding (and their updates:
 * a binding's roleRef cannot change).
 */
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, RoleRef, Subject } from "kubernetes-types/rbac/v1";
import { type Errors, Path, invalid, notSupported, required } from "./field";
import { GoLiteral, goQuote, goStringSlice } from "./govalue";
import { validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from "./meta";
import { isValidPathSegmentName, nameIsDNSSubdomain } from "./names";

const meta = Path.root("metadata");
export const RBAC_GROUP = "rbac.authorization.k8s.io";

/** ValidatePolicyRule: verbs always; resource rules need groups and resources; no mixing with URLs. */
function validatePolicyRule(rule: PolicyRule, namespaced: boolean, path: Path): Errors {
  const errs: Errors = [];
  if (!rule.verbs?.length) errs.push(required(path.child("verbs"), "verbs must contain at least one value"));
  if (rule.nonResourceURLs?.length) {
    if (namespaced) errs.push(invalid(path.child("nonResourceURLs"), goStringSlice(rule.nonResourceURLs), "namespaced rules cannot apply to non-resource URLs"));
    if (rule.apiGroups?.length || rule.resources?.length || rule.resourceNames?.length) {
      errs.push(invalid(path.child("nonResourceURLs"), goStringSlice(rule.nonResourceURLs), "rules cannot apply to both regular resources and non-resource URLs"));
    }
    return errs;
  }
  if (!rule.apiGroups?.length) errs.push(required(path.child("apiGroups"), "resource rules must supply at least one api group"));
  if (!rule.resources?.length) errs.push(required(path.child("resources"), "resource rules must supply at least one resource"));
  return errs;
}

function validateRules(rules: PolicyRule[] | undefined, namespaced: boolean): Errors {
  return (rules ?? []).flatMap((rule, i) => validatePolicyRule(rule, namespaced, Path.root("rules").index(i)));
}

export function validateRole(role: Role, old?: Role): Errors {
  const errs = old ? validateObjectMetaUpdate(role.metadata, old.metadata, meta) : [];
  errs.push(...validateObjectMeta(role.metadata, isValidPathSegmentName, meta));
  errs.push(...validateRules(role.rules, true));
  return errs;
}

export function validateClusterRole(role: ClusterRole, old?: ClusterRole): Errors {
  const errs = old ? validateObjectMetaUpdate(role.metadata, old.metadata, meta) : [];
  errs.push(...validateObjectMeta(role.metadata, isValidPathSegmentName, meta));
  // An aggregated role's rules are the controller's to fill; upstream validates its selectors instead.
  if (role.aggregationRule) {
    (role.aggregationRule.clusterRoleSelectors ?? []).forEach((s, i) => errs.push(...validateLabelSelector(s, Path.root("aggregationRule", "clusterRoleSelectors").index(i))));
  } else {
    errs.push(...validateRules(role.rules, false));
  }
  return errs;
}

function validateRoleRef(ref: RoleRef | undefined, kinds: string[]): Errors {
  const errs: Errors = [];
  const path = Path.root("roleRef");
  if (ref?.apiGroup !== RBAC_GROUP) errs.push(notSupported(path.child("apiGroup"), ref?.apiGroup ?? "", [RBAC_GROUP]));
  if (!ref?.kind || !kinds.includes(ref.kind)) errs.push(notSupported(path.child("kind"), ref?.kind ?? "", kinds));
  if (!ref?.name) errs.push(required(path.child("name")));
  else for (const msg of isValidPathSegmentName(ref.name, false)) errs.push(invalid(path.child("name"), ref.name, msg));
  return errs;
}

/** ValidateRoleBindingSubject. */
function validateSubject(subject: Subject, namespaced: boolean, path: Path): Errors {
  const errs: Errors = [];
  if (!subject.name) errs.push(required(path.child("name")));
  switch (subject.kind) {
    case "ServiceAccount":
      if (subject.name) for (const msg of nameIsDNSSubdomain(subject.name, false)) errs.push(invalid(path.child("name"), subject.name, msg));
      if (subject.apiGroup) errs.push(notSupported(path.child("apiGroup"), subject.apiGroup, [""]));
      if (!namespaced && !subject.namespace) errs.push(required(path.child("namespace")));
      break;
    case "User":
    case "Group":
      if (subject.apiGroup !== RBAC_GROUP) errs.push(notSupported(path.child("apiGroup"), subject.apiGroup ?? "", [RBAC_GROUP]));
      break;
    default:
      errs.push(notSupported(path.child("kind"), subject.kind ?? "", ["ServiceAccount", "User", "Group"]));
  }
  return errs;
}

function validateBinding(binding: RoleBinding | ClusterRoleBinding, old: RoleBinding | ClusterRoleBinding | undefined, namespaced: boolean): Errors {
  const errs = old ? validateObjectMetaUpdate(binding.metadata, old.metadata, meta) : [];
  errs.push(...validateObjectMeta(binding.metadata, isValidPathSegmentName, meta));
  errs.push(...validateRoleRef(binding.roleRef, namespaced ? ["Role", "ClusterRole"] : ["ClusterRole"]));
  (binding.subjects ?? []).forEach((s, i) => errs.push(...validateSubject(s, namespaced, Path.root("subjects").index(i))));
  if (old && JSON.stringify(old.roleRef) !== JSON.stringify(binding.roleRef)) {
    const ref = binding.roleRef ?? ({} as RoleRef);
    const text = `rbac.RoleRef{APIGroup:${goQuote(ref.apiGroup ?? "")}, Kind:${goQuote(ref.kind ?? "")}, Name:${goQuote(ref.name ?? "")}}`;
    errs.push(invalid(Path.root("roleRef"), new GoLiteral(text), "cannot change roleRef"));
  }
  return errs;
}

export const validateRoleBinding = (b: RoleBinding, old?: RoleBinding) => validateBinding(b, old, true);
export const validateClusterRoleBinding = (b: ClusterRoleBinding, old?: ClusterRoleBinding) => validateBinding(b, old, false);
