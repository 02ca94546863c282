import { describe, expect, it } from "vitest";
import { RESOURCE_TYPES } from "../../../src/api/resources";
import { toTable } from "../../../src/api/tables";
import type { KObject } from "../../../src/api/types";
import { MINUTE, NOW, SECOND, finished, pod, running, terminated, waiting } from "./fixtures";

const POD = RESOURCE_TYPES.find((t) => t.kind === "Pod")!;
const row = (p: KObject) => toTable(POD, [p], { includeObject: "None", now: NOW }).rows[0];
/** [ready, status, restarts] */
const summary = (p: KObject) => row(p).cells.slice(1, 4);

const READY = { type: "Ready", status: "True" };
const INITIALIZED = { type: "Initialized", status: "True" };

describe("pod READY / STATUS / RESTARTS (printPod)", () => {
  it.each<[string, KObject, [string, string, string]]>([
    ["a running pod", pod("web", { statuses: [running()], conditions: [READY] }), ["1/1", "Running", "0"]],
    ["a pending pod not yet scheduled", pod("web", { phase: "Pending" }), ["0/1", "Pending", "0"]],
    ["a pod waiting on a scheduling gate", pod("web", { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "SchedulingGated" }] }), ["0/1", "SchedulingGated", "0"]],
    ["a container being created", pod("web", { phase: "Pending", statuses: [waiting("ContainerCreating")] }), ["0/1", "ContainerCreating", "0"]],
    ["an image that cannot be pulled", pod("web", { phase: "Pending", statuses: [waiting("ImagePullBackOff")] }), ["0/1", "ImagePullBackOff", "0"]],
    ["a crash loop, last exit 5m ago", pod("web", { statuses: [waiting("CrashLoopBackOff", 4, finished(5 * MINUTE))] }), ["0/1", "CrashLoopBackOff", "4 (5m ago)"]],
    ["restarts without a recorded finish", pod("web", { statuses: [running(2)], conditions: [READY] }), ["1/1", "Running", "2"]],
    ["restarts summed over containers, latest finish wins", pod("web", { containers: ["a", "b"], statuses: [running(1, finished(10 * MINUTE)), running(2, finished(150 * SECOND))], conditions: [READY] }), ["2/2", "Running", "3 (2m30s ago)"]],
    ["one of two containers ready", pod("web", { containers: ["a", "b"], statuses: [running(), waiting("ContainerCreating")] }), ["1/2", "ContainerCreating", "0"]],
    ["the first init container still running", pod("web", { phase: "Pending", initContainers: [{ name: "init" }], initStatuses: [running()], statuses: [waiting("PodInitializing")] }), ["0/1", "Init:0/1", "0"]],
    ["the second of two init containers running", pod("web", { phase: "Pending", initContainers: [{ name: "i1" }, { name: "i2" }], initStatuses: [terminated(0, "Completed"), running()] }), ["0/1", "Init:1/2", "0"]],
    ["an init container waiting with PodInitializing", pod("web", { phase: "Pending", initContainers: [{ name: "init" }], initStatuses: [waiting("PodInitializing")] }), ["0/1", "Init:0/1", "0"]],
    ["an init container in a crash loop", pod("web", { phase: "Pending", initContainers: [{ name: "init" }], initStatuses: [waiting("CrashLoopBackOff", 3, finished(MINUTE))] }), ["0/1", "Init:CrashLoopBackOff", "3 (60s ago)"]],
    ["an init container that failed", pod("web", { phase: "Pending", initContainers: [{ name: "init" }], initStatuses: [terminated(1, "Error")] }), ["0/1", "Init:Error", "0"]],
    ["an init container failed without a reason", pod("web", { phase: "Pending", initContainers: [{ name: "init" }], initStatuses: [terminated(2)] }), ["0/1", "Init:ExitCode:2", "0"]],
    ["an init container killed by a signal", pod("web", { phase: "Pending", initContainers: [{ name: "init" }], initStatuses: [{ state: { terminated: { exitCode: 137, signal: 9 } } }] }), ["0/1", "Init:Signal:9", "0"]],
    ["a started sidecar counts towards READY", pod("web", { initContainers: [{ name: "proxy", restartPolicy: "Always" }], initStatuses: [running(1, finished(2 * MINUTE))], statuses: [running()], conditions: [INITIALIZED, READY] }), ["2/2", "Running", "1 (2m ago)"]],
    ["a sidecar not yet started", pod("web", { phase: "Pending", initContainers: [{ name: "proxy", restartPolicy: "Always" }], initStatuses: [{ started: false, state: { running: {} } }] }), ["0/2", "Init:0/1", "0"]],
    ["a pod that ran to completion", pod("job-1", { phase: "Succeeded", statuses: [terminated(0, "Completed")] }), ["0/1", "Completed", "0"]],
    ["a failed container", pod("web", { phase: "Failed", statuses: [terminated(1, "Error")] }), ["0/1", "Error", "0"]],
    ["an OOM-killed container", pod("web", { statuses: [terminated(137, "OOMKilled")] }), ["0/1", "OOMKilled", "0"]],
    ["a terminated container without a reason", pod("web", { statuses: [terminated(3)] }), ["0/1", "ExitCode:3", "0"]],
    ["a container killed by a signal", pod("web", { statuses: [{ state: { terminated: { exitCode: 0, signal: 15 } } }] }), ["0/1", "Signal:15", "0"]],
    ["one completed, one still running and ready", pod("web", { containers: ["a", "b"], statuses: [terminated(0, "Completed"), running()], conditions: [READY] }), ["1/2", "Running", "0"]],
    ["one completed, one running but the pod not ready", pod("web", { containers: ["a", "b"], statuses: [terminated(0, "Completed"), running()] }), ["1/2", "NotReady", "0"]],
    ["one completed, one failed", pod("web", { containers: ["a", "b"], statuses: [terminated(0, "Completed"), terminated(1, "Error")] }), ["0/2", "Error", "0"]],
    ["a pod evicted by the kubelet", pod("web", { phase: "Failed", reason: "Evicted" }), ["0/1", "Evicted", "0"]],
    ["a running pod being deleted", pod("web", { statuses: [running()], conditions: [READY], deleted: true }), ["1/1", "Terminating", "0"]],
    ["a completed pod being deleted stays Completed", pod("web", { phase: "Succeeded", statuses: [terminated(0, "Completed")], deleted: true }), ["0/1", "Completed", "0"]],
    ["a pod on a lost node being deleted", pod("web", { reason: "NodeLost", statuses: [running()], deleted: true }), ["1/1", "Unknown", "0"]],
  ])("%s", (_scenario, p, expected) => {
    expect(summary(p)).toEqual(expected);
  });

  it("prints IP, node, nominated node and readiness gates in the wide cells", () => {
    const p = pod("web", {
      statuses: [running()],
      nodeName: "node-1",
      podIP: "10.0.0.7",
      readinessGates: ["example.com/lb", "example.com/dns"],
      conditions: [READY, { type: "example.com/lb", status: "True" }, { type: "example.com/dns", status: "False" }],
    });
    expect(row(p).cells).toEqual(["web", "1/1", "Running", "0", "5m", "10.0.0.7", "node-1", "<none>", "1/2"]);
  });

  it("shows <none> for a pod without IP, node or gates", () => {
    expect(row(pod("web", { phase: "Pending" })).cells.slice(5)).toEqual(["<none>", "<none>", "<none>", "<none>"]);
  });

  it.each([
    ["Succeeded", [{ type: "Completed", status: "True", reason: "Succeeded", message: "The pod has completed successfully." }]],
    ["Failed", [{ type: "Completed", status: "True", reason: "Failed", message: "The pod failed." }]],
    ["Running", undefined],
  ])("marks a %s pod's row with conditions %j", (phase, conditions) => {
    expect(row(pod("web", { phase })).conditions).toEqual(conditions);
  });
});
