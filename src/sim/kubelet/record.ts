/**
 * The runtime's record of a pod, kept in the pod annotation `kubeflare.dev/sandbox` — what
 * containerd and the kubelet's memory hold on a real node: the sandbox (pause container, IP,
 * namespaces) and, per container, its instances with millisecond timestamps, back-off entries
 * and start attempts. A runtime view can list it like `crictl pods` / `crictl ps -a`.
 *
 * The pod status is computed from this record (status.ts), and both are written together through
 * pods/status (which, as upstream, may change metadata too): one write per visible step.
 */
import type { KObject } from "../../api/types";
import type { BackoffEntry } from "./backoff";

export const SANDBOX_ANNOTATION = "kubeflare.dev/sandbox";
export const PAUSE_IMAGE = "registry.k8s.io/pause:3.10";

/** CRI NamespaceMode: shared by the pod, private to the container, or the node's. */
export type NamespaceMode = "POD" | "CONTAINER" | "NODE";

/** One container instance (what `crictl ps -a` lists): restarts create new ones. */
export interface Instance {
  id: string;
  attempt: number;
  /** The image as the spec named it when this instance was created. */
  image: string;
  createdAt: number;
  startedAt: number;
  finishedAt?: number;
  exitCode?: number;
  reason?: string;
  /** What stopped it when the kubelet did: "liveness", "startup", "delete", "deadline", "sidecar". */
  killedBy?: string;
  /** Seconds (since startedAt) of output already handed to the log store. */
  loggedTo?: number;
  /** Files changed by `kubectl exec` in this instance's writable layer (filesystem.ts). */
  files?: FileWrite[];
  /** The process ended through its stdin (an attached shell's `exit`, or EOF): when (ms) and with what code. */
  ended?: { at: number; code: number };
}

/** A file written (or, without content, removed) at `at` ms. */
export interface FileWrite {
  at: number;
  path: string;
  content?: string;
}

/**
 * Where a container is in its lifecycle (the KWOK-style stage table in stages.ts moves it):
 * waiting → starting → running → exited → (crashLoop →) running …, or starting → errImagePull →
 * imagePullBackOff → running; killing while a SIGTERM is ignored during deletion.
 */
export type ContainerPhase =
  | "waiting"
  | "starting"
  | "running"
  | "killing"
  | "exited"
  | "crashLoop"
  | "errImagePull"
  | "imagePullBackOff"
  /** The container could not be created (CreateContainerConfigError, ErrImageNeverPull); retried on change. */
  | "createError";

export interface ContainerRecord {
  name: string;
  phase: ContainerPhase;
  /** When the phase began (for "starting", when the start attempt begins — possibly ahead of now). */
  since: number;
  /** The current start attempt pulls the image first. */
  pull?: boolean;
  /** The image the latest start attempt used (a spec change to another image restarts the container). */
  image?: string;
  current?: Instance;
  previous?: Instance;
  /** Restart back-off (key pod uid + container name). */
  backoff?: BackoffEntry;
  /** Image pull back-off. */
  pullBackoff?: BackoffEntry;
  /** The waiting reason and message of a createError. */
  reason?: string;
  message?: string;
  /** Names the process waited on that now resolve: when (ms) and to what. */
  resolved?: Record<string, { ip: string; at: number }>;
  /** The current instance's first readiness failure has been reported. */
  unhealthyReported?: boolean;
}

export interface SandboxRecord {
  id: string;
  image: string;
  state: "SANDBOX_READY" | "SANDBOX_NOTREADY";
  ip?: string;
  namespaces: { network: NamespaceMode; ipc: NamespaceMode; uts: NamespaceMode; pid: NamespaceMode };
  /** When the kubelet admitted the pod and began creating the sandbox. */
  createdAt: number;
  readyAt?: number;
  /** Failed sandbox creations so far (no free IP): each retry waits 10 s more. */
  sandboxRetries?: number;
  containers: ContainerRecord[];
  /** The kubelet has begun stopping the pod (deletion, active deadline). */
  stopping?: "delete" | "deadline";
}

/** The record stored on `pod`, or undefined when the kubelet has not admitted it yet. */
export function readRecord(pod: KObject): SandboxRecord | undefined {
  const raw = pod.metadata.annotations?.[SANDBOX_ANNOTATION];
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as SandboxRecord;
    return typeof parsed.id === "string" && Array.isArray(parsed.containers) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Serializes a record; keys in a fixed order so an unchanged record is an unchanged string. */
export function encodeRecord(record: SandboxRecord): string {
  return JSON.stringify(record);
}

export function containerRecord(record: SandboxRecord, name: string): ContainerRecord | undefined {
  return record.containers.find((c) => c.name === name);
}

/** The record for `name`, created in the "waiting" phase if missing. */
export function ensureContainer(record: SandboxRecord, name: string, at: number): ContainerRecord {
  let rec = containerRecord(record, name);
  if (!rec) {
    rec = { name, phase: "waiting", since: at };
    record.containers.push(rec);
  }
  return rec;
}

export function cloneRecord(record: SandboxRecord): SandboxRecord {
  return JSON.parse(JSON.stringify(record)) as SandboxRecord;
}
