/**
 * The review APIs `kubectl auth can-i` and `kubectl auth whoami` call: SelfSubjectAccessReview,
 * SelfSubjectRulesReview (authorization.k8s.io/v1) and SelfSubjectReview (authentication.k8s.io/v1).
 * They are created and answered at once, never stored. A cluster has one credential, its token,
 * and it authenticates as kubeadm's admin user, in system:masters, which the seeded
 * `cluster-admin` ClusterRoleBinding grants everything: every access review is allowed, as RBAC
 * would allow it for that user.
 */
import { badRequest, invalid } from "../errors";
import type { Target } from "../rest";
import { groupVersion } from "../resources";
import { isPlainObject, type KObject } from "../types";

/** Who the cluster's token is. */
export const CLUSTER_USER = { username: "kubernetes-admin", groups: ["system:masters", "system:authenticated"] };

const ALLOWED_REASON = 'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"';

/**
 * The rules RBAC grants that user: cluster-admin's, and those of the roles every authenticated
 * user has (system:basic-user, system:discovery, system:public-info-viewer).
 */
const RESOURCE_RULES = [
  { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
  { verbs: ["create"], apiGroups: ["authentication.k8s.io"], resources: ["selfsubjectreviews"] },
  { verbs: ["create"], apiGroups: ["authorization.k8s.io"], resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"] },
];
const NON_RESOURCE_RULES = [
  { verbs: ["*"], nonResourceURLs: ["*"] },
  { verbs: ["get"], nonResourceURLs: ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"] },
  { verbs: ["get"], nonResourceURLs: ["/healthz", "/livez", "/readyz", "/version", "/version/"] },
];

function checkBody(target: Target, body: unknown): KObject {
  if (!isPlainObject(body)) throw badRequest("the body of the request must be a JSON or YAML object");
  const obj = structuredClone(body) as KObject;
  const expected = groupVersion(target.type.group, target.version);
  if (obj.apiVersion !== undefined && obj.apiVersion !== expected) {
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${expected})`);
  }
  if (obj.kind !== undefined && obj.kind !== target.type.kind) {
    throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${target.type.kind})`);
  }
  return obj;
}

/** The answer to a review: the request with its status filled in, as the apiserver returns it (201). */
export function answerReview(target: Target, body: unknown): KObject {
  const obj = checkBody(target, body);
  const base = { kind: target.type.kind, apiVersion: groupVersion(target.type.group, target.version), metadata: { ...(isPlainObject(obj.metadata) ? obj.metadata : {}), creationTimestamp: null } };
  const spec = (isPlainObject(obj.spec) ? obj.spec : {}) as Record<string, unknown>;
  switch (target.type.kind) {
    case "SelfSubjectAccessReview": {
      const hasResource = isPlainObject(spec.resourceAttributes);
      const hasNonResource = isPlainObject(spec.nonResourceAttributes);
      if (hasResource === hasNonResource) {
        const field = hasResource ? "spec.nonResourceAttributes" : "spec.resourceAttributes";
        throw invalid("SelfSubjectAccessReview", "authorization.k8s.io", "", [
          { reason: "FieldValueInvalid", field, message: `Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified` },
        ]);
      }
      return { ...base, spec, status: { allowed: true, reason: ALLOWED_REASON } } as unknown as KObject;
    }
    case "SelfSubjectRulesReview":
      return {
        ...base,
        spec,
        status: { resourceRules: RESOURCE_RULES, nonResourceRules: NON_RESOURCE_RULES, incomplete: false },
      } as unknown as KObject;
    case "SelfSubjectReview":
      return { ...base, status: { userInfo: { username: CLUSTER_USER.username, groups: [...CLUSTER_USER.groups] } } } as unknown as KObject;
  }
  throw badRequest(`${target.type.kind} is not a review`);
}
