/**
 * The pod printer: upstream's printPod (v1.33), the busiest cell logic in `kubectl get`.
 * READY counts ready containers (sidecars included), STATUS condenses phase, init progress and
 * container states into one word, RESTARTS says when the last restart finished.
 */
import type { ContainerStatus, Pod, PodCondition } from "kubernetes-types/core/v1";
import type { KObject } from "../types";
import { AGE, NAME, column, columns, orNone, wide } from "./columns";
import { humanDuration, parseTime, since } from "./duration";
import type { Cell, Printer, TableRowCondition } from "./types";

const POD_COLUMNS = columns(
  NAME,
  column("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
  column("Status", "string", "The aggregate status of the containers in this pod."),
  column(
    "Restarts",
    "string",
    "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
  ),
  AGE,
  column("IP", "string", "PodStatus.podIP", wide),
  column("Node", "string", "PodSpec.nodeName", wide),
  column("Nominated Node", "string", "PodStatus.nominatedNodeName", wide),
  column("Readiness Gates", "string", "PodSpec.readinessGates", wide),
);

/** node.NodeUnreachablePodReason: the node controller's reason for pods on a lost node. */
const NODE_LOST = "NodeLost";

const isTrue = (conditions: PodCondition[] | undefined, type: string) => conditions?.some((c) => c.type === type && c.status === "True") ?? false;

/** What a container contributes to RESTARTS: its count and when its last run finished (0 if never). */
function lastFinished(status: ContainerStatus): number {
  return parseTime(status.lastState?.terminated?.finishedAt) ?? 0;
}

/** A terminated container's reason, or "Signal:9" / "ExitCode:1" when the runtime gave none. */
function terminatedReason(t: { reason?: string; signal?: number; exitCode: number }): string {
  if (t.reason) return t.reason;
  return t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode ?? 0}`;
}

export interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

/**
 * printPod's READY, STATUS and RESTARTS. Worked examples: two containers, one ready → "1/2";
 * the first of two init containers still running → "Init:0/2"; a container waiting in
 * CrashLoopBackOff → "CrashLoopBackOff"; every container exited 0 → "Completed"; 3 restarts, the
 * last finished 5 minutes ago → "3 (5m ago)"; deleted but not yet gone → "Terminating".
 */
export function podSummary(pod: Pod, now: number): PodSummary {
  const spec = pod.spec;
  const status = pod.status ?? {};
  const phase = status.phase ?? "";
  let reason = status.reason || phase;
  if (status.conditions?.some((c) => c.type === "PodScheduled" && c.reason === "SchedulingGated")) reason = "SchedulingGated";

  const initContainers = spec?.initContainers ?? [];
  const sidecars = new Set(initContainers.filter((c) => c.restartPolicy === "Always").map((c) => c.name));
  const total = (spec?.containers?.length ?? 0) + sidecars.size;
  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  let sidecarRestarts = 0;
  let lastSidecarRestart = 0;

  // Init containers run in order; the first one not finished (or a sidecar not yet started)
  // decides the status, and the loop stops there.
  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    const isSidecar = sidecars.has(c.name);
    restarts += c.restartCount ?? 0;
    lastRestart = Math.max(lastRestart, lastFinished(c));
    if (isSidecar) {
      sidecarRestarts += c.restartCount ?? 0;
      lastSidecarRestart = Math.max(lastSidecarRestart, lastFinished(c));
    }
    const terminated = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (terminated && (terminated.exitCode ?? 0) === 0) continue;
    if (isSidecar && c.started === true) {
      if (c.ready) ready++;
      continue;
    }
    if (terminated) reason = `Init:${terminatedReason(terminated)}`;
    else if (waiting?.reason && waiting.reason !== "PodInitializing") reason = `Init:${waiting.reason}`;
    else reason = `Init:${i}/${initContainers.length}`;
    initializing = true;
    break;
  }

  if (!initializing || isTrue(status.conditions, "Initialized")) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    let errorReason = "";
    const statuses = status.containerStatuses ?? [];
    // Last to first, so the first container's state wins the STATUS cell.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += c.restartCount ?? 0;
      lastRestart = Math.max(lastRestart, lastFinished(c));
      const state = c.state ?? {};
      if (state.waiting && state.waiting.reason) {
        reason = state.waiting.reason;
      } else if (state.terminated) {
        reason = terminatedReason(state.terminated);
        if ((state.terminated.exitCode ?? 0) !== 0) errorReason = reason;
      } else if (c.ready && state.running != null) {
        hasRunning = true;
        ready++;
      }
    }
    // A container that completed while others still run does not make the pod "Completed".
    if (reason === "Completed") {
      if (hasRunning && isTrue(status.conditions, "Ready")) reason = "Running";
      else if (errorReason) reason = errorReason;
      else if (hasRunning) reason = "NotReady";
    }
  }

  if (pod.metadata?.deletionTimestamp && status.reason === NODE_LOST) reason = "Unknown";
  else if (pod.metadata?.deletionTimestamp && phase !== "Succeeded" && phase !== "Failed") reason = "Terminating";

  const restartsCell = restarts !== 0 && lastRestart !== 0 ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
  return { ready: `${ready}/${total}`, status: reason, restarts: restartsCell };
}

/** READINESS GATES: how many of the gates' conditions are True, "<none>" without gates. */
function readinessGates(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return "<none>";
  const trueGates = gates.filter((g) => pod.status?.conditions?.find((c) => c.type === g.conditionType)?.status === "True").length;
  return `${trueGates}/${gates.length}`;
}

/** Row conditions kubectl reads to tell finished pods apart. */
const completed = (reason: string, message: string): TableRowCondition[] => [{ type: "Completed", status: "True", reason, message }];

function podRowConditions(pod: Pod): TableRowCondition[] | undefined {
  if (pod.status?.phase === "Succeeded") return completed("Succeeded", "The pod has completed successfully.");
  if (pod.status?.phase === "Failed") return completed("Failed", "The pod failed.");
  return undefined;
}

export const podPrinter: Printer = {
  columns: POD_COLUMNS,
  cells(obj: KObject, { now }): Cell[] {
    const pod = obj as unknown as Pod;
    const { ready, status, restarts } = podSummary(pod, now);
    const ip = pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP;
    return [
      pod.metadata?.name ?? "",
      ready,
      status,
      restarts,
      since(pod.metadata?.creationTimestamp, now),
      orNone(ip),
      orNone(pod.spec?.nodeName),
      orNone(pod.status?.nominatedNodeName),
      readinessGates(pod),
    ];
  },
  conditions: (obj) => podRowConditions(obj as unknown as Pod),
};
