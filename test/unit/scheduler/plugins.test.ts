/** The pure pieces other controllers reuse: requests, tolerations, node affinity, message formatting. */
import { describe, expect, it } from "vitest";
import type { KObject } from "../../../src/api/types";
import { fitErrorMessage, nodeMatchesSelectorAndAffinity, podNonZeroRequests, podRequests, toleratesTaint } from "../../../src/sim/scheduler";
import { hostPortConflict, insufficientResources, nodeUsage, podHostPorts } from "../../../src/sim/scheduler/resources";
import { evictionTime } from "../../../src/sim/nodeLifecycle";
import { deepFreeze, iso, nodes, pod, T0 } from "./harness";

const MI = 1024 * 1024;

function withContainers(spec: Record<string, unknown>): KObject {
  return deepFreeze(pod("p", { spec }));
}
const c = (name: string, cpu?: string, memory?: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: "busybox",
  resources: { requests: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) } },
  ...extra,
});

describe("podRequests (component-helpers PodRequests)", () => {
  it.each<[string, Record<string, unknown>, Record<string, number>]>([
    ["sums app containers", { containers: [c("a", "100m", "64Mi"), c("b", "200m", "64Mi")] }, { cpu: 300, memory: 128 * MI }],
    ["the largest init container wins when bigger", { containers: [c("a", "100m"), c("b", "200m")], initContainers: [c("i", "500m")] }, { cpu: 500 }],
    ["app containers win when bigger", { containers: [c("a", "100m"), c("b", "200m")], initContainers: [c("i", "250m")] }, { cpu: 300 }],
    [
      "a sidecar adds to the app containers and to later init containers",
      { containers: [c("a", "100m")], initContainers: [c("s", "50m", undefined, { restartPolicy: "Always" }), c("i", "500m")] },
      { cpu: 550 },
    ],
    ["a sidecar alone adds to the app containers", { containers: [c("a", "100m")], initContainers: [c("s", "50m", undefined, { restartPolicy: "Always" })] }, { cpu: 150 }],
    [
      "limits stand in for missing requests",
      { containers: [{ name: "a", image: "x", resources: { limits: { cpu: "1", memory: "1Gi" }, requests: { memory: "512Mi" } } }] },
      { cpu: 1000, memory: 512 * MI },
    ],
    ["overhead is added", { containers: [c("a", "100m")], overhead: { cpu: "250m" } }, { cpu: 350 }],
    ["extended resources count", { containers: [{ name: "a", image: "x", resources: { limits: { "nvidia.com/gpu": "2" } } }] }, { "nvidia.com/gpu": 2 }],
    ["nothing requested", { containers: [{ name: "a", image: "x" }] }, {}],
  ])("%s", (_name, spec, expected) => {
    expect(podRequests(withContainers(spec))).toEqual(expected);
  });

  it("scores request-less containers as 100m / 200Mi but keeps explicit zeros", () => {
    expect(podNonZeroRequests(withContainers({ containers: [{ name: "a", image: "x" }, c("b", "0", "0")] }))).toEqual({ cpu: 100, memory: 200 * MI });
  });
});

describe("toleratesTaint (Toleration.ToleratesTaint)", () => {
  const taint = { key: "gpu", value: "nvidia", effect: "NoSchedule" };
  it.each<[string, unknown[], boolean]>([
    ["Exists with an empty key tolerates everything", [{ operator: "Exists" }], true],
    ["Exists on the key ignores the value", [{ key: "gpu", operator: "Exists" }], true],
    ["Equal compares the value", [{ key: "gpu", operator: "Equal", value: "nvidia" }], true],
    ["Equal is the default operator", [{ key: "gpu", value: "nvidia" }], true],
    ["a different value does not tolerate", [{ key: "gpu", value: "amd" }], false],
    ["a different key does not tolerate", [{ key: "tpu", operator: "Exists" }], false],
    ["a matching effect tolerates", [{ key: "gpu", operator: "Exists", effect: "NoSchedule" }], true],
    ["another effect does not", [{ key: "gpu", operator: "Exists", effect: "NoExecute" }], false],
    ["any toleration in the list may match", [{ key: "x", operator: "Exists" }, { key: "gpu", value: "nvidia" }], true],
    ["no tolerations", [], false],
  ])("%s", (_name, tolerations, expected) => {
    expect(toleratesTaint(tolerations as never, taint)).toBe(expected);
  });

  it("matches an empty taint value with an empty toleration value", () => {
    expect(toleratesTaint([{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }], { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" })).toBe(true);
  });
});

describe("nodeMatchesSelectorAndAffinity (required node affinity)", () => {
  const [node] = nodes(1, (n) => Object.assign(n.metadata.labels, { disktype: "ssd", "topology.kubernetes.io/zone": "a", cores: "8" }));
  const required = (...terms: unknown[]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } });
  const expr = (key: string, operator: string, values?: string[]) => ({ matchExpressions: [{ key, operator, ...(values ? { values } : {}) }] });
  it.each<[string, { nodeSelector?: Record<string, string>; affinity?: unknown }, boolean]>([
    ["no constraints", {}, true],
    ["nodeSelector match", { nodeSelector: { disktype: "ssd" } }, true],
    ["nodeSelector mismatch", { nodeSelector: { disktype: "hdd" } }, false],
    ["nodeSelector on a missing label", { nodeSelector: { gpu: "true" } }, false],
    ["In", { affinity: required(expr("disktype", "In", ["ssd", "nvme"])) }, true],
    ["NotIn", { affinity: required(expr("disktype", "NotIn", ["ssd"])) }, false],
    ["NotIn on a missing label", { affinity: required(expr("gpu", "NotIn", ["x"])) }, true],
    ["Exists", { affinity: required(expr("disktype", "Exists")) }, true],
    ["DoesNotExist", { affinity: required(expr("disktype", "DoesNotExist")) }, false],
    ["Gt", { affinity: required(expr("cores", "Gt", ["4"])) }, true],
    ["Lt", { affinity: required(expr("cores", "Lt", ["4"])) }, false],
    ["Gt on a non-number", { affinity: required(expr("disktype", "Gt", ["4"])) }, false],
    ["terms are ORed", { affinity: required(expr("disktype", "In", ["hdd"]), expr("topology.kubernetes.io/zone", "In", ["a"])) }, true],
    ["expressions in a term are ANDed", { affinity: required({ matchExpressions: [{ key: "disktype", operator: "In", values: ["ssd"] }, { key: "zone", operator: "Exists" }] }) }, false],
    ["matchFields metadata.name", { affinity: required({ matchFields: [{ key: "metadata.name", operator: "In", values: ["node-1"] }] }) }, true],
    ["matchFields another node", { affinity: required({ matchFields: [{ key: "metadata.name", operator: "In", values: ["node-2"] }] }) }, false],
    ["an empty term matches nothing", { affinity: required({}) }, false],
    ["selector and affinity must both hold", { nodeSelector: { disktype: "hdd" }, affinity: required(expr("disktype", "Exists")) }, false],
  ])("%s", (_name, spec, expected) => {
    expect(nodeMatchesSelectorAndAffinity(pod("p", spec as never), node)).toBe(expected);
  });
});

describe("fitErrorMessage (FitError.Error)", () => {
  const s = (reasons: string[], resolvable: boolean) => ({ reasons, resolvable });
  it("sorts '<count> <reason>' entries as strings, so 10 sorts before 2", () => {
    const statuses = new Map<string, { reasons: string[]; resolvable: boolean }>();
    for (let i = 0; i < 10; i++) statuses.set(`a${i}`, s(["Insufficient cpu"], true));
    statuses.set("b1", s(["node(s) had untolerated taint {dedicated: gpu}"], false));
    statuses.set("b2", s(["node(s) had untolerated taint {dedicated: gpu}"], false));
    expect(fitErrorMessage(12, statuses)).toBe("0/12 nodes are available: 10 Insufficient cpu, 2 node(s) had untolerated taint {dedicated: gpu}.");
  });

  it("counts nodes without a status under the absent reason", () => {
    const statuses = new Map([["n1", s(["Insufficient cpu"], true)]]);
    expect(fitErrorMessage(3, statuses, "node(s) didn't satisfy plugin(s) [NodeAffinity]")).toBe(
      "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity].",
    );
  });

  it("counts every reason of a node", () => {
    const statuses = new Map([["n1", s(["Insufficient cpu", "Insufficient memory"], true)]]);
    expect(fitErrorMessage(1, statuses)).toBe("0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.");
  });

});

describe("host ports (NodePorts)", () => {
  it("conflicts on the same protocol and port, a wildcard address with any", () => {
    const withPort = (hostPort: number, hostIP?: string, protocol?: string) =>
      deepFreeze(pod("p", { spec: { containers: [{ name: "a", image: "x", ports: [{ containerPort: 80, hostPort, ...(hostIP ? { hostIP } : {}), ...(protocol ? { protocol } : {}) }] }] } }));
    const used = nodeUsage([withPort(8080)]).hostPorts;
    expect(hostPortConflict(podHostPorts(withPort(8080)), used)).toBe(true);
    expect(hostPortConflict(podHostPorts(withPort(8081)), used)).toBe(false);
    expect(hostPortConflict(podHostPorts(withPort(8080, "10.0.0.1")), used)).toBe(true);
    expect(hostPortConflict(podHostPorts(withPort(8080, undefined, "UDP")), used)).toBe(false);
    const specific = nodeUsage([withPort(9000, "10.0.0.1")]).hostPorts;
    expect(hostPortConflict(podHostPorts(withPort(9000, "10.0.0.2")), specific)).toBe(false);
    expect(hostPortConflict(podHostPorts(withPort(9000)), specific)).toBe(true);
  });
});

describe("insufficientResources (fitsRequest)", () => {
  it("lists too many pods first, then cpu, memory and extended resources", () => {
    const usage = { requested: { cpu: 3500, memory: 15 * 1024 * MI }, nonZeroCpu: 0, nonZeroMemory: 0, pods: 110, hostPorts: new Set<string>() };
    expect(insufficientResources({ cpu: 1000, memory: 2048 * MI, "example.com/foo": 1 }, usage, { cpu: 4000, memory: 16 * 1024 * MI, pods: 110 })).toEqual([
      "Too many pods",
      "Insufficient cpu",
      "Insufficient memory",
      "Insufficient example.com/foo",
    ]);
  });
  it("only needs a pod slot when the pod requests nothing", () => {
    const usage = { requested: { cpu: 4000 }, nonZeroCpu: 0, nonZeroMemory: 0, pods: 1, hostPorts: new Set<string>() };
    expect(insufficientResources({}, usage, { cpu: 4000, pods: 110 })).toEqual([]);
  });
});

describe("evictionTime (taint manager)", () => {
  const taint = { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: iso(T0) };
  it.each<[string, unknown[], number | undefined]>([
    ["default toleration: 300 s after the taint", [{ key: taint.key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 }], T0 + 300_000],
    ["no toleration: at once", [], T0 + 5000],
    ["toleration without seconds: never", [{ key: taint.key, operator: "Exists", effect: "NoExecute" }], undefined],
    ["zero seconds: at once", [{ operator: "Exists", tolerationSeconds: 0 }], T0 + 5000],
    ["a NoSchedule toleration does not count", [{ key: taint.key, operator: "Exists", effect: "NoSchedule" }], T0 + 5000],
  ])("%s", (_name, tolerations, expected) => {
    expect(evictionTime(pod("p", { tolerations }), [taint], T0 + 5000, 1)).toBe(expected);
  });

  it("scales tolerationSeconds by timeScale", () => {
    const tolerations = [{ key: taint.key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 }];
    expect(evictionTime(pod("p", { tolerations }), [taint], T0, 0.02)).toBe(T0 + 6000);
  });
});
