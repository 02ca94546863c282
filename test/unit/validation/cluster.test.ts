import { describe, expect, it } from "vitest";
import { createErrors, deepFreeze, duplicate, forbidden, invalid, required, typeOf, unsupported, updateErrors } from "./fixtures";

const NS = typeOf("Namespace");
const NODE = typeOf("Node");
const LEASE = typeOf("Lease", "coordination.k8s.io");
const PDB = typeOf("PodDisruptionBudget", "policy");
const EVENT = typeOf("Event");
const EVENTS_V1 = typeOf("Event", "events.k8s.io");
const CREV = typeOf("ControllerRevision", "apps");

const node = (spec: object, status?: object) => deepFreeze({ apiVersion: "v1", kind: "Node", metadata: { name: "node-1" }, spec, ...(status ? { status } : {}) });
const pdb = (spec: object, name = "web") => deepFreeze({ apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name, namespace: "default" }, spec });
const event = (fields: object) => deepFreeze({ apiVersion: "v1", kind: "Event", metadata: { name: "web.17a", namespace: "default" }, ...fields });

describe("Namespace", () => {
  it("requires a DNS label name", () => {
    expect(createErrors(NS, { apiVersion: "v1", kind: "Namespace", metadata: { name: "team.a" } })).toEqual([invalid("metadata.name", '"team.a": must not contain dots')]);
  });

  it("lets updates (the finalize path) drop the kubernetes finalizer", () => {
    expect(updateErrors(NS, { apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a" } }, (o) => { o.spec.finalizers = []; })).toEqual([]);
  });
});

describe("Node", () => {
  it.each([
    ["a duplicate taint and an unknown effect", node({ taints: [{ key: "a", effect: "NoSchedule" }, { key: "a", value: "b", effect: "NoSchedule" }, { key: "c", effect: "Sometimes" }] }), [
      duplicate("metadata.taints[1]", 'core.Taint{Key:"a", Value:"b", Effect:"NoSchedule", TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair'),
      unsupported("metadata.taints[2].effect", '"Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"'),
    ]],
    ["a taint without effect", node({ taints: [{ key: "a" }] }), [required("metadata.taints[0].effect")]],
    ["a fractional pods capacity (allocatable defaults to it)", node({}, { capacity: { pods: "1.5" } }), [
      invalid("status.capacity.pods", '"1500m": must be an integer'),
      invalid("status.allocatable.pods", '"1500m": must be an integer'),
    ]],
    ["a bad podCIDR", node({ podCIDRs: ["10.244.1.1/24"] }), [invalid("spec.podCIDRs[0]", '"10.244.1.1/24": must not have bits set beyond the prefix length')]],
  ])("%s", (_, obj, expected) => {
    expect(createErrors(NODE, obj)).toEqual(expected);
  });

  it("keeps podCIDRs once set", () => {
    expect(updateErrors(NODE, node({ podCIDRs: ["10.244.1.0/24"] }), (o) => { o.spec.podCIDRs = ["10.244.2.0/24"]; })).toEqual([
      forbidden("spec.podCIDRs", 'node updates may not change podCIDR except from "" to valid'),
    ]);
  });
});

describe("PodDisruptionBudget", () => {
  const selector = { matchLabels: { app: "web" } };
  it.each([
    ["minAvailable 2", pdb({ minAvailable: 2, selector }), []],
    ["both minAvailable and maxUnavailable", pdb({ minAvailable: 1, maxUnavailable: 1, selector }), [
      invalid("spec", '{"minAvailable":1,"maxUnavailable":1,"selector":{"matchLabels":{"app":"web"}}}: minAvailable and maxUnavailable cannot be both set'),
    ]],
    ["a percentage above 100%", pdb({ maxUnavailable: "120%", selector }), [
      invalid("spec.maxUnavailable", 'intstr.IntOrString{Type:1, IntVal:0, StrVal:"120%"}: must not be greater than 100%'),
    ]],
    ["a negative minAvailable", pdb({ minAvailable: -1, selector }), [invalid("spec.minAvailable", "-1: must be greater than or equal to 0")]],
    // PDB names only get the generic path-segment check.
    ["an upper-case name", pdb({ minAvailable: 1, selector }, "Web_PDB"), []],
    ["a name with '%'", pdb({ minAvailable: 1, selector }, "a%b"), [invalid("metadata.name", "\"a%b\": may not contain '%'")]],
  ])("%s", (_, obj, expected) => {
    expect(createErrors(PDB, obj)).toEqual(expected);
  });
});

describe("Lease, Event and ControllerRevision", () => {
  it("checks lease durations", () => {
    expect(createErrors(LEASE, { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: "l", namespace: "kube-node-lease" }, spec: { leaseDurationSeconds: 0, leaseTransitions: -1 } })).toEqual([
      invalid("spec.leaseDurationSeconds", "0: must be greater than 0"),
      invalid("spec.leaseTransitions", "-1: must be greater than or equal to 0"),
    ]);
  });

  it.each([
    ["a core event about a pod", event({ involvedObject: { kind: "Pod", name: "web", namespace: "default" }, reason: "Started" }), []],
    ["a core event about a pod elsewhere", event({ involvedObject: { kind: "Pod", name: "web", namespace: "other" }, reason: "Started" }), [
      invalid("involvedObject.namespace", '"other": does not match event.namespace'),
    ]],
    ["a core event about a pod without namespace", event({ involvedObject: { kind: "Pod", name: "web" }, reason: "Started" }), [
      required("involvedObject.namespace", "required for kind Pod"),
    ]],
  ])("%s", (_, obj, expected) => {
    expect(createErrors(EVENT, obj)).toEqual(expected);
  });

  it("requires the reporting fields of an events.k8s.io event", () => {
    const causes = createErrors(EVENTS_V1, event({
      involvedObject: { kind: "Pod", name: "web", namespace: "default" },
      eventTime: "2026-01-01T00:00:00.000000Z", type: "Normal", reportingComponent: "kubelet", reportingInstance: "node-1", action: "Started",
    }));
    expect(causes).toEqual([required("reason")]);
  });

  it("keeps a ControllerRevision's data", () => {
    const rev = { apiVersion: "apps/v1", kind: "ControllerRevision", metadata: { name: "web-5d4f", namespace: "default" }, data: { spec: {} }, revision: 1 };
    expect(updateErrors(CREV, rev, (o) => { o.data = { spec: { x: 1 } }; })).toEqual([invalid("data", '{"spec":{"x":1}}: field is immutable')]);
    expect(createErrors(CREV, { ...rev, data: undefined })).toEqual([required("data", "data is mandatory")]);
  });
});
