/**
 * The virtual kubelet: one controller for every node, reconciling one bound pod per call. Each call
 * applies the earliest due stage of the pod (stages.ts), lets the next containers start (settle),
 * computes the status the kubelet would post at that instant (status.ts) and writes it — together
 * with the runtime record in the `kubeflare.dev/sandbox` annotation — only when something changed.
 * It then asks to run again when the next stage or probe flip is due; a pod with nothing pending
 * (running steadily, finished) costs nothing.
 */
import type { Pod, PodStatus } from "kubernetes-types/core/v1";
import { deepEqual } from "../../api/deepEqual";
import type { KObject } from "../../api/types";
import { type Controller, type ObjectChange, type ReconcileResult, type Snapshot, type Write, done, keyOf, splitKey } from "../../controllers/types";
import { FAILED_ANNOTATION } from "../nodeLifecycle";
import type { SimulationSettings } from "../settings";
import type { Behaviour } from "./behaviour";
import { PodContext } from "./context";
import { hexId } from "./hash";
import type { ProbeTimeline } from "./probes";
import { type ContainerRecord, PAUSE_IMAGE, SANDBOX_ANNOTATION, type SandboxRecord, cloneRecord, encodeRecord, readRecord } from "./record";
import { recoverRecord } from "./runtime";
import { settle } from "./settle";
import { CONTAINER_STAGES, POD_STAGES, type Stage } from "./stages";
import { computePodStatus } from "./status";

export { containerBehaviour, printedBetween, type Behaviour, type LoadTarget } from "./behaviour";
export { readRecord, SANDBOX_ANNOTATION, type SandboxRecord } from "./record";
export { runtimeView, type ContainerRow, type SandboxRow } from "./runtime";

export function createKubelet(settings: SimulationSettings): Controller {
  return {
    name: "kubelet",
    keysFor: (change, snapshot) => keysFor(change, snapshot),
    reconcile: (key, snapshot, now) => reconcilePod(key, snapshot, now, settings),
  };
}

// ---- which pods a change concerns ----------------------------------------------------------------------

function nodeNameOf(obj: KObject): string | undefined {
  return (obj.spec as { nodeName?: string } | undefined)?.nodeName || undefined;
}

/** A node runs a kubelet unless it was failed (its kubelet stops at once) or its Ready condition says otherwise. */
export function nodeReady(node: KObject): boolean {
  if (node.metadata.annotations?.[FAILED_ANNOTATION] === "true") return false;
  const conditions = (node.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
  const ready = conditions.find((c) => c.type === "Ready");
  return !ready || ready.status === "True";
}

function internalIP(node: KObject): string {
  const addresses = (node.status as { addresses?: { type: string; address: string }[] } | undefined)?.addresses ?? [];
  return addresses.find((a) => a.type === "InternalIP")?.address ?? "";
}

const withoutRecord = (annotations: Record<string, string> | undefined) => {
  const { [SANDBOX_ANNOTATION]: _record, ...rest } = annotations ?? {};
  return rest;
};

/** Changes the kubelet reacts to: spec, deletion, labels/annotations (downward API), others' conditions. */
function relevantPodChange(previous: KObject, pod: KObject): boolean {
  if (!deepEqual(previous.spec, pod.spec)) return true;
  if (previous.metadata.deletionTimestamp !== pod.metadata.deletionTimestamp) return true;
  if (!deepEqual(previous.metadata.labels, pod.metadata.labels)) return true;
  if (!deepEqual(withoutRecord(previous.metadata.annotations), withoutRecord(pod.metadata.annotations))) return true;
  const foreign = (obj: KObject) =>
    ((obj.status as PodStatus | undefined)?.conditions ?? []).filter((c) => !["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"].includes(c.type));
  if (!deepEqual(foreign(previous), foreign(pod))) return true;
  // Files changed by `kubectl exec` (exec probes may see them differently now).
  if (execWrote(previous, pod)) return true;
  return readRecord(pod) === undefined;
}

/**
 * Whether `kubectl exec` (or an attached shell's exit) changed a running instance between the two
 * versions: same instance, other files or end. A new instance is the kubelet's own doing and needs
 * no extra pass (counting it made every container start cost two more kubelet passes).
 */
function execWrote(previous: KObject, pod: KObject): boolean {
  const before = new Map((readRecord(previous)?.containers ?? []).map((c) => [c.name, c.current]));
  return (readRecord(pod)?.containers ?? []).some((c) => {
    const old = before.get(c.name);
    if (!c.current || !old || old.id !== c.current.id) return false;
    return (old.files?.length ?? 0) !== (c.current.files?.length ?? 0) || old.files?.at(-1)?.at !== c.current.files?.at(-1)?.at || old.ended?.at !== c.current.ended?.at;
  });
}

export function keysFor(change: ObjectChange, snapshot: Snapshot): string[] {
  const obj = change.object;
  switch (change.resource) {
    case "pods": {
      if (!nodeNameOf(obj) || change.type === "DELETED") return [];
      if (change.type === "MODIFIED" && change.previous && nodeNameOf(change.previous) && !relevantPodChange(change.previous, obj)) return [];
      return [keyOf(obj)];
    }
    case "nodes": {
      if (change.type === "DELETED" || !nodeReady(obj)) return [];
      if (change.type === "MODIFIED" && change.previous && nodeReady(change.previous)) return [];
      return snapshot.podsOnNode(obj.metadata.name!).map(keyOf);
    }
    case "services": {
      // Pods whose containers wait on this Service's name (`until nslookup svc`).
      const name = obj.metadata.name!;
      return snapshot.list("pods").filter((pod) => {
        const record = readRecord(pod);
        if (!record || !nodeNameOf(pod)) return false;
        const specs = [...((pod.spec as Pod["spec"])?.initContainers ?? []), ...((pod.spec as Pod["spec"])?.containers ?? [])];
        return record.containers.some((c) => c.phase === "running" && JSON.stringify(specs.find((s) => s.name === c.name) ?? {}).includes(name));
      }).map(keyOf);
    }
    case "configmaps":
    case "secrets": {
      // Containers that could not be created for want of this object.
      return snapshot.list("pods", obj.metadata.namespace).filter((pod) => readRecord(pod)?.containers.some((c) => c.phase === "createError")).map(keyOf);
    }
  }
  return [];
}

// ---- one pod, one step ---------------------------------------------------------------------------------

/** Steps applied in one call when they fall due at the same instant. */
const MAX_STEPS_PER_INSTANT = 16;

interface Due {
  stage: Stage;
  at: number;
  rec?: ContainerRecord;
}

/** The earliest due stage of the pod (pod stages first on ties, then containers in spec order). */
function nextStage(ctx: PodContext, eventOnly = false): Due | undefined {
  let best: Due | undefined;
  const consider = (stage: Stage, rec?: ContainerRecord) => {
    if (ctx.record.stopping && !stage.whileStopping) return;
    if (eventOnly && !stage.eventOnly) return;
    const at = stage.due(ctx, rec);
    if (at !== undefined && (!best || at < best.at)) best = { stage, at, rec };
  };
  for (const stage of POD_STAGES) consider(stage);
  for (const spec of ctx.specs) {
    const rec = ctx.rec(spec.name);
    if (!rec) continue;
    for (const stage of CONTAINER_STAGES) if (stage.from === rec.phase) consider(stage, rec);
  }
  return best;
}

/** The next probe-driven status change (readiness flip, startup success) after `at`. */
function nextFlip(ctx: PodContext, at: number): number | undefined {
  let next: number | undefined;
  for (const rec of ctx.record.containers) {
    if (rec.phase !== "running") continue;
    const probes = ctx.probes(rec.name);
    if (!probes) continue;
    const times = [...probes.readiness.map((f) => f.at), ...(probes.startedAt !== undefined ? [probes.startedAt] : [])];
    for (const t of times) if (t > at && (next === undefined || t < next)) next = t;
  }
  return next;
}

function newRecord(pod: Pod, now: number): SandboxRecord {
  const spec: NonNullable<Pod["spec"]> = pod.spec ?? { containers: [] };
  return {
    id: hexId(`${pod.metadata?.uid}/sandbox`),
    image: PAUSE_IMAGE,
    state: "SANDBOX_NOTREADY",
    namespaces: {
      network: spec.hostNetwork ? "NODE" : "POD",
      ipc: spec.hostIPC ? "NODE" : "POD",
      uts: spec.hostNetwork ? "NODE" : "POD",
      pid: spec.hostPID ? "NODE" : spec.shareProcessNamespace ? "POD" : "CONTAINER",
    },
    createdAt: now,
    containers: [],
  };
}

function deleteWrite(pod: KObject): Write {
  const meta = pod.metadata;
  return { op: "delete", resource: "pods", namespace: meta.namespace ?? "", name: meta.name ?? "", uid: meta.uid, gracePeriodSeconds: 0 };
}

export function reconcilePod(key: string, snapshot: Snapshot, now: number, settings: SimulationSettings): ReconcileResult {
  const { namespace, name } = splitKey(key);
  const object = snapshot.get("pods", namespace, name);
  const nodeName = object && nodeNameOf(object);
  if (!object || !nodeName) return done();
  const node = snapshot.get("nodes", "", nodeName);
  // No node, or a node whose kubelet is down: nothing runs there (the node controller takes over).
  if (!node || !nodeReady(node)) return done();
  const pod = object as unknown as Pod;

  // The record, or one rebuilt from the status if someone's update dropped the annotation.
  const stored = readRecord(object) ?? recoverRecord(pod, now);
  const admitted = stored !== undefined;
  if (!stored) {
    if (object.metadata.deletionTimestamp) return done([deleteWrite(object)]);
    if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") return done();
  }
  const record = stored ? cloneRecord(stored) : newRecord(pod, now);
  const ctx = new PodContext(object, record, snapshot, settings, now, nodeName, internalIP(node));

  // One step — or the few that fall due at the very same instant, as one kubelet sync would see
  // them (a process that exits as it starts is never observed running).
  let stepAt: number | undefined;
  let step = admitted ? nextStage(ctx) : undefined;
  for (let n = 0; step && step.at <= (stepAt ?? now) && n < MAX_STEPS_PER_INSTANT; n++) {
    stepAt = step.at;
    step.stage.next(ctx, step.at, step.rec);
    settle(ctx, step.at);
    step = nextStage(ctx);
  }
  const upcoming = nextStage(ctx);
  const at = Math.max(stepAt ?? -Infinity, Math.min(now, upcoming?.at ?? now));
  settle(ctx, at);
  // Events that fall due at the same instant ride along with this step.
  for (let follow = nextStage(ctx, true); follow && follow.at <= at; follow = nextStage(ctx, true)) follow.stage.next(ctx, follow.at, follow.rec);

  const status = statusAt(ctx, at);
  readinessLossEvents(ctx, pod.status, status, at);
  const recordChanged = object.metadata.annotations?.[SANDBOX_ANNOTATION] !== encodeRecord(record);
  const writes: Write[] = [];
  if (recordChanged || !deepEqual(pod.status, status)) {
    // While writing anyway, hand over what running containers printed so far.
    for (const rec of record.containers) if (rec.phase === "running" && rec.current) ctx.flushLogs(rec.name, rec.current, at);
    const annotations = { ...(object.metadata.annotations ?? {}), [SANDBOX_ANNOTATION]: encodeRecord(record) };
    writes.push({ op: "status", resource: "pods", object: { ...object, metadata: { ...object.metadata, annotations }, status } });
  }
  writes.push(...ctx.writes);

  // After the final delete there is nothing left to wait for.
  if (writes.some((w) => w.op === "delete")) return done(writes);
  const next = [nextStage(ctx)?.at, nextFlip(ctx, at)].filter((t): t is number => t !== undefined);
  const requeueAt = next.length ? Math.min(...next) : undefined;
  return done(writes, requeueAt === undefined ? undefined : Math.max(0, requeueAt - now));
}

/**
 * Lines the running instance of `container` printed after the kubelet last handed its output to the
 * log store (it does so only when it writes the pod anyway, so an endless printer costs no timers):
 * what `kubectl logs` should append to the stored lines. Timestamps are RFC 3339 with milliseconds.
 */
/** The kubelet's view of a bound, admitted pod at `now` (for exec and for what its servers answer), or undefined. */
export function podContextAt(pod: KObject, snapshot: Snapshot, now: number, settings: SimulationSettings): PodContext | undefined {
  const record = readRecord(pod);
  const nodeName = nodeNameOf(pod);
  if (!record || !nodeName) return undefined;
  const node = snapshot.get("nodes", "", nodeName);
  return new PodContext(pod, cloneRecord(record), snapshot, settings, now, nodeName, node ? internalIP(node) : "");
}

export function unflushedLogLines(pod: KObject, container: string, snapshot: Snapshot, now: number, settings: SimulationSettings): { restart: number; lines: { time: string; text: string }[] } | undefined {
  const record = readRecord(pod);
  const nodeName = nodeNameOf(pod);
  const rec = record?.containers.find((c) => c.name === container);
  if (!record || !nodeName || rec?.phase !== "running" || !rec.current) return undefined;
  const node = snapshot.get("nodes", "", nodeName);
  const ctx = new PodContext(pod, cloneRecord(record), snapshot, settings, now, nodeName, node ? internalIP(node) : "");
  const instance = ctx.rec(container)!.current!;
  const until = Math.min(now, ctx.exitAt(container) ?? Infinity);
  ctx.flushLogs(container, instance, until);
  const write = ctx.writes.find((w) => w.op === "log");
  return { restart: instance.attempt, lines: write?.op === "log" ? write.lines : [] };
}

/** The status at `at`, from the context's record. */
function statusAt(ctx: PodContext, at: number): PodStatus {
  const behaviours = new Map<string, Behaviour>();
  const probes = new Map<string, ProbeTimeline>();
  for (const spec of ctx.specs) {
    const rec = ctx.rec(spec.name);
    if (!rec) continue;
    if (rec.phase === "errImagePull") behaviours.set(spec.name, ctx.behaviour(spec.name));
    const timeline = ctx.probes(spec.name);
    if (timeline) probes.set(spec.name, timeline);
  }
  const alive = ctx.record.containers.some((c) => c.phase === "running" || c.phase === "killing");
  return computePodStatus({
    pod: ctx.pod,
    record: ctx.record,
    hostIP: ctx.hostIP,
    at,
    behaviours,
    probes,
    terminal: ctx.record.stopping === "deadline" || (ctx.record.stopping === "delete" && !alive),
  });
}

/** A running container that was ready and no longer is gets the prober's Unhealthy event. */
function readinessLossEvents(ctx: PodContext, before: PodStatus | undefined, after: PodStatus, at: number): void {
  for (const status of after.containerStatuses ?? []) {
    const old = before?.containerStatuses?.find((s) => s.name === status.name);
    if (!old?.ready || status.ready || !status.state?.running || old.containerID !== status.containerID) continue;
    const flip = [...(ctx.probes(status.name)?.readiness ?? [])].reverse().find((f) => f.at <= at && !f.ready);
    if (flip) ctx.event("Warning", "Unhealthy", `Readiness probe failed: ${flip.message ?? ""}`, status.name);
  }
}
