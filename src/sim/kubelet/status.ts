/**
 * The pod status the kubelet would post, computed from the runtime record at one instant — the
 * equivalent of upstream's generateAPIPodStatus: container statuses (convertToAPIContainerStatuses
 * plus the prober's ready/started), the phase (getPhase) and the kubelet-owned conditions
 * (status/generate.go) merged with the conditions others own, keeping lastTransitionTime when a
 * condition's status did not change.
 */
import type { Container, ContainerState, ContainerStateTerminated, ContainerStatus, Pod, PodCondition, PodStatus } from "kubernetes-types/core/v1";
import type { Behaviour } from "./behaviour";
import { imageID, parseImage } from "./images";
import { type ProbeTimeline, readyAt } from "./probes";
import type { ContainerRecord, Instance, SandboxRecord } from "./record";
import { type ContainerSpec, containerSpecs, podDescription, restartPolicy } from "./spec";
import { goDuration, rfc3339 } from "./time";

/** Everything the status depends on besides the pod itself. */
export interface StatusInput {
  pod: Pod;
  record: SandboxRecord;
  hostIP: string;
  /** The instant the status describes (ms). */
  at: number;
  behaviours: Map<string, Behaviour>;
  /** Probe timelines of running instances, by container name. */
  probes: Map<string, ProbeTimeline>;
  /** The pod will not run anything again (deleted and stopped, or past its active deadline). */
  terminal: boolean;
}

const KUBELET_CONDITIONS = new Set(["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"]);

function terminatedState(instance: Instance): ContainerStateTerminated {
  return {
    exitCode: instance.exitCode ?? 0,
    reason: instance.reason ?? ((instance.exitCode ?? 0) === 0 ? "Completed" : "Error"),
    startedAt: rfc3339(instance.startedAt),
    finishedAt: rfc3339(instance.finishedAt ?? instance.startedAt),
    containerID: `containerd://${instance.id}`,
  };
}

/** The waiting reason and message a container shows in `rec.phase`, if it waits. */
function waitingState(pod: Pod, spec: ContainerSpec, rec: ContainerRecord, behaviour: Behaviour | undefined): ContainerState | undefined {
  switch (rec.phase) {
    case "crashLoop":
      return {
        waiting: {
          reason: "CrashLoopBackOff",
          message: `back-off ${goDuration(rec.backoff?.delayMs ?? 0)} restarting failed container=${spec.name} pod=${podDescription(pod)}`,
        },
      };
    case "errImagePull":
      return { waiting: { reason: "ErrImagePull", message: behaviour && !behaviour.pull.ok ? behaviour.pull.message : undefined } };
    case "imagePullBackOff":
      return { waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${spec.container.image}"` } };
    case "createError":
      return { waiting: { reason: rec.reason ?? "CreateContainerError", message: rec.message } };
  }
  return undefined;
}

/** One entry of containerStatuses / initContainerStatuses at `input.at`. */
function containerStatus(input: StatusInput, spec: ContainerSpec, defaultReason: string): ContainerStatus {
  const { pod, at } = input;
  const rec = input.record.containers.find((c) => c.name === spec.name);
  const c: Container = spec.container;
  const status: ContainerStatus = {
    name: spec.name,
    image: c.image ?? "",
    imageID: "",
    ready: false,
    restartCount: 0,
    started: false,
    state: { waiting: { reason: defaultReason } },
    lastState: {},
  };
  const mounts = (c.volumeMounts ?? []).map((m) => ({
    name: m.name,
    mountPath: m.mountPath,
    ...(m.readOnly ? { readOnly: true, recursiveReadOnly: "Disabled" } : {}),
  }));
  if (mounts.length) status.volumeMounts = mounts;
  if (!rec) return status;

  const current = rec.current;
  if (current) {
    const ref = parseImage(current.image);
    Object.assign(status, {
      image: ref.normalized,
      imageID: imageID(ref),
      containerID: `containerd://${current.id}`,
      restartCount: current.attempt,
    });
    if (rec.previous) status.lastState = { terminated: terminatedState(rec.previous) };
    if (rec.phase === "running" || rec.phase === "killing") {
      status.state = { running: { startedAt: rfc3339(current.startedAt) } };
      const probes = input.probes.get(spec.name);
      const started = probes ? probes.startedAt !== undefined && probes.startedAt <= at : true;
      status.started = started;
      status.ready = started && (probes ? readyAt(probes, at) : true) && !spec.init;
    } else if (current.finishedAt !== undefined) {
      status.state = { terminated: terminatedState(current) };
      // Completed init containers stay ready (the prober's UpdatePodStatus).
      status.ready = spec.init && current.exitCode === 0;
    }
  }
  const waiting = waitingState(pod, spec, rec, input.behaviours.get(spec.name));
  if (waiting) {
    if (status.state?.terminated) status.lastState = { terminated: status.state.terminated };
    status.state = waiting;
    status.ready = false;
  }
  return status;
}

function counts<T>(items: T[], pred: (t: T) => boolean): number {
  return items.filter(pred).length;
}

/** getPhase (kubelet_pods.go): Pending until every container has started, then Running, and terminal when done. */
export function podPhase(pod: Pod, specs: ContainerSpec[], statuses: Map<string, ContainerStatus>, podIsTerminal: boolean): PodStatus["phase"] {
  let pendingInitialization = 0;
  let failedInitialization = 0;
  for (const spec of specs.filter((s) => s.init)) {
    const s = statuses.get(spec.name);
    if (!s?.state) pendingInitialization++;
    else if (s.state.running) pendingInitialization++;
    else if (s.state.terminated) {
      if (s.state.terminated.exitCode !== 0) failedInitialization++;
    } else if (s.state.waiting) {
      if (s.lastState?.terminated) {
        if (s.lastState.terminated.exitCode !== 0) failedInitialization++;
      } else pendingInitialization++;
    } else pendingInitialization++;
  }
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const spec of specs.filter((s) => s.sidecar)) {
    const s = statuses.get(spec.name);
    if (!s?.state) {
      unknown++;
      continue;
    }
    if (s.state.running) {
      if (!s.started) pendingInitialization++;
      running++;
    } else if (s.state.waiting && !s.lastState?.terminated) {
      pendingInitialization++;
      waiting++;
    }
  }
  const apps = specs.filter((s) => !s.init && !s.sidecar);
  for (const spec of apps) {
    const s = statuses.get(spec.name);
    if (!s?.state) unknown++;
    else if (s.state.running) running++;
    else if (s.state.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }
  const policy = restartPolicy(pod);
  if (failedInitialization > 0 && policy === "Never") return "Failed";
  const anyRegularStarted = apps.some((spec) => {
    const s = statuses.get(spec.name);
    return !!(s?.state?.running || s?.state?.terminated || s?.lastState?.terminated);
  });
  if ((pendingInitialization > 0 && !anyRegularStarted) || waiting > 0) return "Pending";
  if (running > 0 && unknown === 0) return "Running";
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (podIsTerminal) return stopped === succeeded ? "Succeeded" : "Failed";
    if (policy === "Always") return "Running";
    if (stopped === succeeded) return "Succeeded";
    if (policy === "Never") return "Failed";
    return "Running";
  }
  return "Pending";
}

const names = (list: string[]) => `[${list.join(" ")}]`;

/** GenerateContainersReadyCondition and GeneratePodReadyCondition. */
function readiness(pod: Pod, specs: ContainerSpec[], statuses: Map<string, ContainerStatus>, phase: string, others: PodCondition[]) {
  const unready = specs.filter((s) => !s.init && !(statuses.get(s.name)?.ready ?? false)).map((s) => s.name);
  let containersReady: PodCondition;
  if (phase === "Succeeded") containersReady = { type: "ContainersReady", status: "False", reason: "PodCompleted" };
  else if (unready.length) {
    containersReady = { type: "ContainersReady", status: "False", reason: "ContainersNotReady", message: `containers with unready status: ${names(unready)}` };
  } else containersReady = { type: "ContainersReady", status: "True" };
  let ready: PodCondition = { ...containersReady, type: "Ready" };
  if (containersReady.status === "True") {
    const gates: string[] = [];
    for (const gate of pod.spec?.readinessGates ?? []) {
      const c = others.find((o) => o.type === gate.conditionType);
      if (!c) gates.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
      else if (c.status !== "True") gates.push(`the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`);
    }
    if (gates.length) ready = { type: "Ready", status: "False", reason: "ReadinessGatesNotReady", message: gates.join(", ") };
  }
  return { ready, containersReady };
}

/** GeneratePodInitializedCondition (with sidecars: started counts as initialized). */
function initialized(specs: ContainerSpec[], statuses: Map<string, ContainerStatus>, phase: string): PodCondition {
  if (phase === "Succeeded") return { type: "Initialized", status: "True", reason: "PodCompleted" };
  const anyRegularStarted = specs.some((s) => !s.init && !s.sidecar && (statuses.get(s.name)?.state?.running || statuses.get(s.name)?.lastState?.terminated));
  if (anyRegularStarted) return { type: "Initialized", status: "True" };
  const incomplete = specs
    .filter((s) => (s.init && !statuses.get(s.name)?.ready) || (s.sidecar && !statuses.get(s.name)?.started))
    .map((s) => s.name);
  if (incomplete.length) {
    return { type: "Initialized", status: "False", reason: "ContainersNotInitialized", message: `containers with incomplete status: ${names(incomplete)}` };
  }
  return { type: "Initialized", status: "True" };
}

/** The full status at `input.at`, kubelet-owned fields replaced and the rest of the old status kept. */
export function computePodStatus(input: StatusInput): PodStatus {
  const { pod, record, at } = input;
  const old: PodStatus = pod.status ?? {};
  const specs = containerSpecs(pod);
  const hasInit = (pod.spec?.initContainers?.length ?? 0) > 0;
  const defaultReason = hasInit ? "PodInitializing" : "ContainerCreating";
  const statuses = new Map(specs.map((s) => [s.name, containerStatus(input, s, defaultReason)] as const));

  let phase = podPhase(pod, specs, statuses, input.terminal);
  // Pods never leave a terminal phase.
  if (old.phase === "Succeeded" || old.phase === "Failed") phase = old.phase;
  if (record.stopping === "deadline" && phase !== "Succeeded") phase = "Failed";

  const others = (old.conditions ?? []).filter((c) => !KUBELET_CONDITIONS.has(c.type));
  const { ready, containersReady } = readiness(pod, specs, statuses, phase!, others);
  const sandboxReady = record.state === "SANDBOX_READY";
  const generated: PodCondition[] = [
    { type: "PodReadyToStartContainers", status: sandboxReady ? "True" : "False" },
    initialized(specs, statuses, phase!),
    ready,
    containersReady,
    { type: "PodScheduled", status: "True" },
  ];
  const conditions = [...others, ...generated.map((c) => withTransition(c, old.conditions ?? [], at))];

  const status: PodStatus = { ...old, phase, conditions, hostIP: input.hostIP, hostIPs: [{ ip: input.hostIP }] };
  const podIP = pod.spec?.hostNetwork ? input.hostIP : record.ip;
  if (podIP) {
    status.podIP = podIP;
    status.podIPs = [{ ip: podIP }];
  }
  status.startTime = old.startTime ?? rfc3339(record.createdAt);
  if (hasInit) status.initContainerStatuses = specs.filter((s) => s.init || s.sidecar).map((s) => statuses.get(s.name)!);
  // Upstream sorts app container statuses by name.
  status.containerStatuses = specs
    .filter((s) => !s.init && !s.sidecar)
    .map((s) => statuses.get(s.name)!)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (record.stopping === "deadline") {
    status.reason = "DeadlineExceeded";
    status.message = "Pod was active on the node longer than the specified deadline";
  } else if (old.phase !== phase) {
    delete status.reason;
    delete status.message;
  }
  return status;
}

/** The status manager keeps lastTransitionTime while a condition's status is unchanged. */
function withTransition(condition: PodCondition, previous: PodCondition[], at: number): PodCondition {
  const old = previous.find((c) => c.type === condition.type);
  if (condition.type === "PodScheduled" && old?.status === "True") return old;
  const lastTransitionTime = old && old.status === condition.status ? old.lastTransitionTime : rfc3339(at);
  return { ...condition, lastProbeTime: null as unknown as undefined, lastTransitionTime };
}
