import { describe, expect, it } from "vitest";
import { aggregatedDiscovery, apiResourceList } from "../../../src/api/discovery";
import { ApiError } from "../../../src/api/errors";
import { answerReview } from "../../../src/api/policy/reviews";
import { RESOURCE_TYPES } from "../../../src/api/resources";
import type { Target } from "../../../src/api/rest";

const target = (kind: string): Target => {
  const type = RESOURCE_TYPES.find((t) => t.kind === kind)!;
  return { type, version: "v1", namespace: "" };
};

describe("reviews (kubectl auth can-i / whoami)", () => {
  it("allows every access review, as RBAC allows cluster-admin", () => {
    const body = { kind: "SelfSubjectAccessReview", apiVersion: "authorization.k8s.io/v1", metadata: { creationTimestamp: null }, spec: { resourceAttributes: { namespace: "gen", verb: "create", resource: "pods" } }, status: { allowed: false } };
    expect(answerReview(target("SelfSubjectAccessReview"), body)).toEqual({
      kind: "SelfSubjectAccessReview",
      apiVersion: "authorization.k8s.io/v1",
      metadata: { creationTimestamp: null },
      spec: { resourceAttributes: { namespace: "gen", verb: "create", resource: "pods" } },
      status: { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"' },
    });
  });

  it("refuses an access review naming neither kind of attributes", () => {
    const attempt = () => answerReview(target("SelfSubjectAccessReview"), { spec: {} });
    expect(attempt).toThrow(ApiError);
    expect(attempt).toThrow('SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified');
  });

  it("lists cluster-admin's rules and the ones every authenticated user has", () => {
    const review = answerReview(target("SelfSubjectRulesReview"), { spec: { namespace: "default" } }) as any;
    expect(review.status.resourceRules[0]).toEqual({ verbs: ["*"], apiGroups: ["*"], resources: ["*"] });
    expect(review.status.nonResourceRules[0]).toEqual({ verbs: ["*"], nonResourceURLs: ["*"] });
    expect(review.status.incomplete).toBe(false);
  });

  it("says who the token is", () => {
    expect((answerReview(target("SelfSubjectReview"), {}) as any).status).toEqual({ userInfo: { username: "kubernetes-admin", groups: ["system:masters", "system:authenticated"] } });
  });

  it("refuses a body of another kind", () => {
    expect(() => answerReview(target("SelfSubjectReview"), { kind: "Pod" })).toThrow("the kind in the data (Pod) does not match the expected kind (SelfSubjectReview)");
  });

  it("is discovered with only the create verb, in legacy and aggregated discovery", () => {
    const legacy = apiResourceList("authorization.k8s.io", "v1")!.resources;
    expect(legacy.map((r) => [r.name, r.verbs])).toEqual([["selfsubjectaccessreviews", ["create"]], ["selfsubjectrulesreviews", ["create"]]]);
    const group = aggregatedDiscovery(false).items.find((i) => i.metadata.name === "authentication.k8s.io")!;
    expect(group.versions[0].resources).toEqual([
      expect.objectContaining({ resource: "selfsubjectreviews", scope: "Cluster", verbs: ["create"], responseKind: { group: "authentication.k8s.io", version: "v1", kind: "SelfSubjectReview" } }),
    ]);
  });
});

describe("discovery of the policy kinds", () => {
  it.each([
    ["", "resourcequotas", ["quota"], true],
    ["", "limitranges", ["limits"], true],
    ["networking.k8s.io", "ingresses", ["ing"], true],
    ["networking.k8s.io", "networkpolicies", ["netpol"], true],
    ["networking.k8s.io", "ingressclasses", undefined, false],
    ["rbac.authorization.k8s.io", "clusterroles", undefined, false],
    ["rbac.authorization.k8s.io", "rolebindings", undefined, true],
    ["scheduling.k8s.io", "priorityclasses", ["pc"], false],
  ])("lists %s/%s with its short names", (group, name, shortNames, namespaced) => {
    const entry = apiResourceList(group, "v1")!.resources.find((r) => r.name === name)!;
    expect(entry).toMatchObject({ namespaced, verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"] });
    expect((entry as { shortNames?: string[] }).shortNames).toEqual(shortNames);
  });

  it("gives quotas and ingresses a status subresource", () => {
    expect(apiResourceList("", "v1")!.resources.map((r) => r.name)).toContain("resourcequotas/status");
    expect(apiResourceList("networking.k8s.io", "v1")!.resources.map((r) => r.name)).toContain("ingresses/status");
  });
});
