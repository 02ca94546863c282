import { describe, expect, it } from "vitest";
import { DNS1123_SUBDOMAIN, createErrors, created, forbidden, invalid, required, typeOf, unsupported, updateErrors } from "../validation/fixtures";

const QUOTA = typeOf("ResourceQuota");
const LIMITS = typeOf("LimitRange");
const INGRESS = typeOf("Ingress", "networking.k8s.io");
const INGRESS_CLASS = typeOf("IngressClass", "networking.k8s.io");
const NETPOL = typeOf("NetworkPolicy", "networking.k8s.io");
const ROLE = typeOf("Role", "rbac.authorization.k8s.io");
const BINDING = typeOf("RoleBinding", "rbac.authorization.k8s.io");
const CLUSTER_BINDING = typeOf("ClusterRoleBinding", "rbac.authorization.k8s.io");
const PRIORITY = typeOf("PriorityClass", "scheduling.k8s.io");

const meta = (name: string) => ({ name, namespace: "default" });
const quota = (hard: Record<string, string>, extra: Record<string, unknown> = {}) => ({ apiVersion: "v1", kind: "ResourceQuota", metadata: meta("q"), spec: { hard, ...extra } });
const limitRange = (...limits: Record<string, unknown>[]) => ({ apiVersion: "v1", kind: "LimitRange", metadata: meta("lr"), spec: { limits } });
const backend = { service: { name: "svc1", port: { number: 8080 } } };
const ingress = (spec: Record<string, unknown>) => ({ apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: meta("ing"), spec });
const RBAC = "rbac.authorization.k8s.io";
const roleRef = { apiGroup: RBAC, kind: "Role", name: "pod-reader" };

describe("ResourceQuota (ValidateResourceQuota)", () => {
  it("accepts the docs' quotas", () => {
    expect(createErrors(QUOTA, quota({ "requests.cpu": "1", "requests.memory": "1Gi", "limits.cpu": "2", "limits.memory": "2Gi" }))).toEqual([]);
    expect(createErrors(QUOTA, quota({ pods: "2", "count/deployments.apps": "1" }))).toEqual([]);
  });

  it.each([
    ["a resource that is neither standard nor qualified", { gpus: "1" }, [invalid("spec.hard[gpus]", '"gpus": must be a standard resource type or fully qualified')]],
    ["a negative amount", { pods: "-1" }, [invalid("spec.hard[pods]", '"-1": must be greater than or equal to 0')]],
    ["a fractional object count", { pods: "1.5" }, [invalid("spec.hard[pods]", '"1500m": must be an integer')]],
  ])("refuses %s", (_, hard, errors) => {
    expect(createErrors(QUOTA, quota(hard))).toEqual(errors);
  });

  it("refuses unknown scopes and compute resources under BestEffort", () => {
    expect(createErrors(QUOTA, quota({ pods: "1" }, { scopes: ["Nope"] }))).toEqual([invalid("spec.scopes[0]", '"Nope": unsupported scope')]);
    expect(createErrors(QUOTA, quota({ cpu: "1" }, { scopes: ["BestEffort"] }))).toEqual([invalid("spec.hard[cpu]", '"cpu": unsupported resource for BestEffort scope')]);
  });
});

describe("LimitRange (SetDefaults_LimitRangeItem, ValidateLimitRange)", () => {
  it("defaults a Container item's default from max and defaultRequest from default, as the memory constraints page shows", () => {
    const lr = created(LIMITS, limitRange({ type: "Container", max: { memory: "1Gi" }, min: { memory: "500Mi" } }));
    expect(lr.spec.limits[0]).toEqual({ type: "Container", max: { memory: "1Gi" }, min: { memory: "500Mi" }, default: { memory: "1Gi" }, defaultRequest: { memory: "1Gi" } });
  });

  it("defaults defaultRequest from min when there is no default", () => {
    const lr = created(LIMITS, limitRange({ type: "Container", min: { cpu: "200m" } }));
    expect(lr.spec.limits[0]).toEqual({ type: "Container", min: { cpu: "200m" }, defaultRequest: { cpu: "200m" } });
  });

  it("keeps quantities canonical (1.5Gi is 1536Mi, 0.5 cpu is 500m)", () => {
    const lr = created(LIMITS, limitRange({ type: "Container", default: { memory: "1.5Gi", cpu: "0.5" } }));
    expect(lr.spec.limits[0].default).toEqual({ memory: "1536Mi", cpu: "500m" });
  });

  it.each([
    ["min above max", { type: "Container", min: { memory: "2Gi" }, max: { memory: "1Gi" } }, [
      invalid("spec.limits[0].min[memory]", '"2Gi": min value 2Gi is greater than max value 1Gi'),
      invalid("spec.limits[0].defaultRequest[memory]", '"1Gi": min value 2Gi is greater than default request value 1Gi'),
      invalid("spec.limits[0].default[memory]", '"2Gi": min value 2Gi is greater than default value 1Gi'),
    ]],
    ["a default request above the default", { type: "Container", default: { cpu: "500m" }, defaultRequest: { cpu: "1" } }, [
      invalid("spec.limits[0].defaultRequest[cpu]", '"1": default request value 1 is greater than default limit value 500m'),
    ]],
    ["a ratio below 1", { type: "Container", maxLimitRequestRatio: { cpu: "500m" } }, [invalid("spec.limits[0].maxLimitRequestRatio[cpu]", '"500m": ratio 500m is less than 1')]],
    ["defaults on a Pod item", { type: "Pod", default: { cpu: "1" } }, [forbidden("spec.limits[0].default", "may not be specified when `type` is 'Pod'")]],
    ["an unknown type", { type: "Node", max: { cpu: "1" } }, [unsupported("spec.limits[0].type", '"Node": supported values: "Pod", "Container", "PersistentVolumeClaim"')]],
    ["a claim item without storage bounds", { type: "PersistentVolumeClaim", max: { cpu: "1" } }, [required("spec.limits[0].limits", "either minimum or maximum storage value is required, but neither was provided")]],
  ])("refuses %s", (_, item, errors) => {
    expect(createErrors(LIMITS, limitRange(item))).toEqual(errors);
  });
});

describe("Ingress, IngressClass, NetworkPolicy (networking validation)", () => {
  it("accepts what kubectl create ingress sends", () => {
    expect(createErrors(INGRESS, ingress({ rules: [{ host: "foo.com", http: { paths: [{ path: "/bar", pathType: "Exact", backend }] } }], tls: [{ hosts: ["foo.com"], secretName: "my-cert" }] }))).toEqual([]);
    expect(createErrors(INGRESS, ingress({ defaultBackend: backend }))).toEqual([]);
  });

  it.each([
    ["no backend and no rules", {}, [invalid("spec.rules", "[]: either `defaultBackend` or `rules` must be specified")]],
    ["a path without pathType", { rules: [{ http: { paths: [{ path: "/", backend }] } }] }, [required("spec.rules[0].http.paths[0].pathType", "pathType must be specified")]],
    ["a relative Prefix path", { rules: [{ http: { paths: [{ path: "foo", pathType: "Prefix", backend }] } }] }, [invalid("spec.rules[0].http.paths[0].path", '"foo": must be an absolute path')]],
    ["a port with both name and number", { defaultBackend: { service: { name: "svc1", port: { name: "http", number: 80 } } } }, [
      invalid("spec.defaultBackend.service.port", '{"name":"http","number":80}: cannot set both port name & port number'),
    ]],
    ["a service without port", { defaultBackend: { service: { name: "svc1" } } }, [required("spec.defaultBackend.service.port", "port name or number is required")]],
    ["a bad host", { rules: [{ host: "Foo_Bar", http: { paths: [{ path: "/", pathType: "Prefix", backend }] } }] }, [invalid("spec.rules[0].host", `"Foo_Bar": ${DNS1123_SUBDOMAIN}`)]],
  ])("refuses %s", (_, spec, errors) => {
    expect(createErrors(INGRESS, ingress(spec))).toEqual(errors);
  });

  it("wants a domain-prefixed IngressClass controller", () => {
    const ic = (controller: string) => ({ apiVersion: "networking.k8s.io/v1", kind: "IngressClass", metadata: { name: "nginx" }, spec: { controller } });
    expect(createErrors(INGRESS_CLASS, ic("k8s.io/ingress-nginx"))).toEqual([]);
    expect(createErrors(INGRESS_CLASS, ic("nginx"))).toEqual([invalid("spec.controller", '"nginx": must be a domain-prefixed path (such as "acme.io/foo")')]);
  });

  it("defaults NetworkPolicy ports to TCP and policyTypes from the rules", () => {
    const np = created(NETPOL, { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: meta("api"), spec: { podSelector: { matchLabels: { app: "api" } }, ingress: [{ ports: [{ port: 80 }] }], egress: [{}] } });
    expect(np.spec.ingress[0].ports[0]).toEqual({ port: 80, protocol: "TCP" });
    expect(np.spec.policyTypes).toEqual(["Ingress", "Egress"]);
    const denyAll = created(NETPOL, { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: meta("deny"), spec: { podSelector: {} } });
    expect(denyAll.spec.policyTypes).toEqual(["Ingress"]);
  });

  it("refuses a NetworkPolicy with a bad protocol and a bad CIDR", () => {
    const np = { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: meta("np"), spec: { podSelector: {}, ingress: [{ ports: [{ protocol: "ICMP" }], from: [{ ipBlock: { cidr: "10.0.0.0/33" } }] }] } };
    expect(createErrors(NETPOL, np)).toEqual([
      unsupported("spec.ingress[0].ports[0].protocol", '"ICMP": supported values: "SCTP", "TCP", "UDP"'),
      invalid("spec.ingress[0].from[0].ipBlock.cidr", '"10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'),
    ]);
  });
});

describe("RBAC (ValidateRole, ValidateRoleBinding)", () => {
  const role = (rules: unknown[]) => ({ apiVersion: `${RBAC}/v1`, kind: "Role", metadata: meta("pod-reader"), rules });

  it.each([
    ["a rule without verbs", [{ apiGroups: [""], resources: ["pods"] }], [required("rules[0].verbs", "verbs must contain at least one value")]],
    ["a rule without resources", [{ apiGroups: [""], verbs: ["get"] }], [required("rules[0].resources", "resource rules must supply at least one resource")]],
    ["a namespaced non-resource rule", [{ nonResourceURLs: ["/healthz"], verbs: ["get"] }], [invalid("rules[0].nonResourceURLs", '[]string{"/healthz"}: namespaced rules cannot apply to non-resource URLs')]],
  ])("refuses %s", (_, rules, errors) => {
    expect(createErrors(ROLE, role(rules))).toEqual(errors);
  });

  it("defaults subjects' apiGroup and checks the roleRef", () => {
    const b = created(BINDING, { apiVersion: `${RBAC}/v1`, kind: "RoleBinding", metadata: meta("read-pods"), roleRef, subjects: [{ kind: "User", name: "jane" }, { kind: "ServiceAccount", name: "bot" }] });
    expect(b.subjects).toEqual([{ kind: "User", name: "jane", apiGroup: RBAC }, { kind: "ServiceAccount", name: "bot" }]);
    expect(createErrors(BINDING, b)).toEqual([]);
    const clusterBinding = { apiVersion: `${RBAC}/v1`, kind: "ClusterRoleBinding", metadata: { name: "x" }, roleRef, subjects: [{ kind: "ServiceAccount", name: "bot" }] };
    expect(createErrors(CLUSTER_BINDING, clusterBinding)).toEqual([
      unsupported("roleRef.kind", '"Role": supported values: "ClusterRole"'),
      required("subjects[0].namespace"),
    ]);
  });

  it("keeps a binding's roleRef immutable", () => {
    const b = { apiVersion: `${RBAC}/v1`, kind: "RoleBinding", metadata: meta("read-pods"), roleRef, subjects: [{ kind: "User", name: "jane" }] };
    expect(updateErrors(BINDING, b, (o) => { o.roleRef.name = "other"; })).toEqual([
      invalid("roleRef", 'rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"other"}: cannot change roleRef'),
    ]);
  });
});

describe("PriorityClass (ValidatePriorityClass)", () => {
  const pc = (name: string, value: number, extra: Record<string, unknown> = {}) => ({ apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name }, value, ...extra });

  it("defaults preemptionPolicy and accepts the docs' class", () => {
    const high = created(PRIORITY, pc("high-priority", 1000000));
    expect(high.preemptionPolicy).toBe("PreemptLowerPriority");
    expect(createErrors(PRIORITY, high)).toEqual([]);
  });

  it.each([
    ["a user class above one billion", pc("too-high", 1000000001), [forbidden("value", "maximum allowed value of a user defined priority is 1000000000")]],
    ["a made-up system- name", pc("system-mine", 10), [forbidden("metadata.name", "priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class")]],
    ["a system class with a wrong value", pc("system-node-critical", 10), [forbidden("metadata.name", "priority class names with 'system-' prefix are reserved for system use only. error: value of system-node-critical PriorityClass must be 2000001000")]],
    ["an unknown preemption policy", pc("p", 1, { preemptionPolicy: "Sometimes" }), [unsupported("preemptionPolicy", '"Sometimes": supported values: "Never", "PreemptLowerPriority"')]],
  ])("refuses %s", (_, obj, errors) => {
    expect(createErrors(PRIORITY, obj)).toEqual(errors);
  });

  it("accepts the system classes with their values", () => {
    expect(createErrors(PRIORITY, pc("system-cluster-critical", 2000000000))).toEqual([]);
  });

  it("keeps value immutable", () => {
    expect(updateErrors(PRIORITY, pc("high", 10), (o) => { o.value = 20; })).toEqual([forbidden("value", "may not be changed in an update.")]);
  });
});
