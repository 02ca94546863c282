/**
 * The node's container runtime as `crictl` shows it, read from the pods' runtime records — and the
 * way back: a record rebuilt from a pod's status when the annotation was lost (a user's `kubectl
 * replace` drops it), so a running pod keeps its IP, containers and restart counts.
 */
import type { ContainerStatus, Pod } from "kubernetes-types/core/v1";
import type { KObject } from "../../api/types";
import { hexId } from "./hash";
import { type ContainerRecord, type Instance, PAUSE_IMAGE, type SandboxRecord, readRecord } from "./record";
import { parseImage } from "./images";

export interface SandboxRow {
  id: string;
  created: number;
  state: string;
  name: string;
  namespace: string;
  attempt: number;
  ip?: string;
}

export interface ContainerRow {
  id: string;
  image: string;
  created: number;
  state: "CONTAINER_CREATED" | "CONTAINER_RUNNING" | "CONTAINER_EXITED";
  name: string;
  attempt: number;
  podId: string;
  pod: string;
  exitCode?: number;
}

/** `crictl pods` and `crictl ps -a` for the pods on one node (newest first, as crictl sorts). */
export function runtimeView(pods: KObject[]): { pods: SandboxRow[]; containers: ContainerRow[] } {
  const sandboxes: SandboxRow[] = [];
  const containers: ContainerRow[] = [];
  for (const pod of pods) {
    const record = readRecord(pod);
    if (!record) continue;
    const name = pod.metadata.name ?? "";
    sandboxes.push({ id: record.id, created: record.createdAt, state: record.state, name, namespace: pod.metadata.namespace ?? "", attempt: 0, ip: record.ip });
    for (const rec of record.containers) {
      for (const instance of [rec.previous, rec.current]) {
        if (!instance) continue;
        containers.push({
          id: instance.id,
          image: parseImage(instance.image).normalized,
          created: instance.createdAt,
          state: instance.finishedAt !== undefined ? "CONTAINER_EXITED" : "CONTAINER_RUNNING",
          name: rec.name,
          attempt: instance.attempt,
          podId: record.id,
          pod: name,
          ...(instance.exitCode !== undefined ? { exitCode: instance.exitCode } : {}),
        });
      }
    }
  }
  sandboxes.sort((a, b) => b.created - a.created);
  containers.sort((a, b) => b.created - a.created);
  return { pods: sandboxes, containers };
}

function instanceFrom(pod: Pod, status: ContainerStatus, terminated: { startedAt?: string; finishedAt?: string; exitCode?: number; reason?: string; containerID?: string } | undefined, attempt: number): Instance {
  const id = (terminated?.containerID ?? status.containerID ?? "").replace(/^[a-z]+:\/\//, "") || hexId(`${pod.metadata?.uid}/${status.name}/${attempt}`);
  const startedAt = Date.parse(terminated?.startedAt ?? status.state?.running?.startedAt ?? "") || 0;
  const instance: Instance = { id, attempt, image: pod.spec?.containers.concat(pod.spec.initContainers ?? []).find((c) => c.name === status.name)?.image ?? status.image, createdAt: startedAt, startedAt };
  if (terminated) {
    instance.finishedAt = Date.parse(terminated.finishedAt ?? "") || startedAt;
    instance.exitCode = terminated.exitCode ?? 0;
    instance.reason = terminated.reason;
  }
  return instance;
}

/**
 * A record rebuilt from what the status shows, or undefined when the pod never got a sandbox.
 * Containers waiting to restart resume as exited (the stage table decides their back-off anew).
 */
export function recoverRecord(pod: Pod, now: number): SandboxRecord | undefined {
  const status = pod.status;
  if (!status?.podIP) return undefined;
  const containers: ContainerRecord[] = [];
  for (const cs of [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])]) {
    if (!cs.containerID && !cs.lastState?.terminated) continue;
    const rec: ContainerRecord = { name: cs.name, phase: "waiting", since: now };
    const running = cs.state?.running;
    const terminated = cs.state?.terminated;
    if (running || terminated) {
      rec.current = instanceFrom(pod, cs, terminated, cs.restartCount);
      rec.phase = running ? "running" : "exited";
      rec.since = running ? rec.current.startedAt : (rec.current.finishedAt ?? now);
      if (cs.lastState?.terminated) rec.previous = instanceFrom(pod, cs, cs.lastState.terminated, Math.max(0, cs.restartCount - 1));
    } else if (cs.lastState?.terminated) {
      rec.current = instanceFrom(pod, cs, cs.lastState.terminated, cs.restartCount);
      rec.phase = "exited";
      rec.since = rec.current.finishedAt ?? now;
    }
    containers.push(rec);
  }
  const started = Date.parse(status.startTime ?? "") || now;
  const terminal = status.phase === "Succeeded" || status.phase === "Failed";
  return {
    id: hexId(`${pod.metadata?.uid}/sandbox`),
    image: PAUSE_IMAGE,
    state: terminal ? "SANDBOX_NOTREADY" : "SANDBOX_READY",
    ip: status.podIP,
    namespaces: {
      network: pod.spec?.hostNetwork ? "NODE" : "POD",
      ipc: pod.spec?.hostIPC ? "NODE" : "POD",
      uts: pod.spec?.hostNetwork ? "NODE" : "POD",
      pid: pod.spec?.hostPID ? "NODE" : pod.spec?.shareProcessNamespace ? "POD" : "CONTAINER",
    },
    createdAt: started,
    readyAt: started,
    containers,
  };
}
