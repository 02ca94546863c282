/**
 * Scenario harness for the Job and CronJob controllers: a SimCluster with the controllers under test
 * and a tiny fake kubelet that is independent of the real one. The fake kubelet binds each pod to
 * node-1, runs it for as long as its command says (`sleep N`, else 1 s) and ends it with the code of
 * `exit K` (else 0): Succeeded, Failed, or — under restartPolicy OnFailure — a restart in place. A
 * deleted pod is killed (Failed, 137) and then deleted with grace 0, as the kubelet's status manager does.
 * A fake garbage collector deletes the dependents of deleted CronJobs and Jobs.
 */
import type { Job } from "kubernetes-types/batch/v1";
import type { ContainerStatus, Pod, PodCondition } from "kubernetes-types/core/v1";
import { rfc3339 } from "../../../src/api/rest";
import type { KObject } from "../../../src/api/types";
import { createCronJobController } from "../../../src/controllers/cronjob";
import { createJobController } from "../../../src/controllers/job";
import { done, keyOf, splitKey, type Controller } from "../../../src/controllers/types";
import { DEFAULT_SETTINGS, type SimulationSettings } from "../../../src/sim/settings";
import { SimCluster, type Invariant } from "../runtime/cluster";
import { deepFreeze } from "./fixtures";

export const JOBS = "jobs.batch";
export const CRONJOBS = "cronjobs.batch";

/** How long the fake kubelet runs a container and how it ends, from its command. */
export function plannedRun(pod: Pod): { seconds: number; exitCode: number } {
  const c = pod.spec!.containers[0];
  const text = [...(c.command ?? []), ...(c.args ?? [])].join(" ");
  const sleep = /sleep\s+(\d+(?:\.\d+)?)/.exec(text);
  const exit = /exit\s+(\d+)/.exec(text);
  return { seconds: sleep ? Number(sleep[1]) : 1, exitCode: exit ? Number(exit[1]) : 0 };
}

export interface KubeletOptions {
  timeScale?: number;
  /** Overrides plannedRun for some pods (e.g. one index of an Indexed Job fails). */
  run?: (pod: Pod) => { seconds: number; exitCode: number } | undefined;
}

export function fakeKubelet(opts: KubeletOptions = {}): Controller {
  const startedAt = new Map<string, number>();
  const scale = opts.timeScale ?? 1;
  return {
    name: "fake-kubelet",
    keysFor: (change) => (change.resource === "pods" && change.type !== "DELETED" ? [keyOf(change.object)] : []),
    reconcile(key, snapshot, now) {
      const { namespace, name } = splitKey(key);
      const obj = snapshot.get("pods", namespace, name);
      if (!obj) return done();
      const pod = obj as unknown as Pod;
      const phase = pod.status?.phase;
      const at = rfc3339(new Date(now));
      const statusWrite = (status: Pod["status"]) => ({ op: "status" as const, resource: "pods", object: { ...structuredClone(obj), status } });
      const meta = pod.metadata!;
      if (meta.deletionTimestamp) {
        const writes = [];
        if (phase !== "Succeeded" && phase !== "Failed") writes.push(statusWrite(ended(pod, "Failed", 137, at)));
        writes.push({ op: "delete" as const, resource: "pods", namespace, name, uid: meta.uid, gracePeriodSeconds: 0 });
        return done(writes);
      }
      if (!pod.spec?.nodeName) return done([{ op: "bind", namespace, name, uid: meta.uid!, node: "node-1" }]);
      const run = opts.run?.(pod) ?? plannedRun(pod);
      const runMs = run.seconds * 1000 * scale;
      if (phase === "Pending") {
        startedAt.set(meta.uid!, now);
        return done([statusWrite(running(pod, at, 0))], runMs);
      }
      if (phase !== "Running") return done();
      const start = startedAt.get(meta.uid!) ?? now;
      if (now < start + runMs) return done([], start + runMs - now);
      if (run.exitCode === 0) return done([statusWrite(ended(pod, "Succeeded", 0, at))]);
      if (pod.spec.restartPolicy === "OnFailure") {
        startedAt.set(meta.uid!, now);
        const restarts = (pod.status?.containerStatuses?.[0]?.restartCount ?? 0) + 1;
        return done([statusWrite(running(pod, at, restarts))], runMs);
      }
      return done([statusWrite(ended(pod, "Failed", run.exitCode, at))]);
    },
  };
}

/**
 * A tiny stand-in for the garbage collector: when a CronJob or Job is deleted, its dependents (Jobs,
 * pods) are deleted too, as Background propagation asks.
 */
export function fakeGarbageCollector(): Controller {
  const DEPENDENTS: Record<string, string> = { [CRONJOBS]: JOBS, [JOBS]: "pods" };
  return {
    name: "fake-gc",
    keysFor: (change) => (change.type === "DELETED" && DEPENDENTS[change.resource] ? [`${DEPENDENTS[change.resource]}|${change.object.metadata.uid}`] : []),
    reconcile(key, snapshot) {
      const [resource, uid] = key.split("|");
      return done(snapshot.ownedBy(resource, uid).map((o) => ({
        op: "delete" as const, resource, namespace: o.metadata.namespace!, name: o.metadata.name!, uid: o.metadata.uid, propagationPolicy: "Background" as const,
      })));
    },
  };
}

function conditions(pod: Pod, ready: boolean, at: string): PodCondition[] {
  const kept = (pod.status?.conditions ?? []).filter((c) => c.type !== "Ready" && c.type !== "ContainersReady");
  const status = ready ? "True" : "False";
  return [...kept, { type: "Ready", status, lastTransitionTime: at }, { type: "ContainersReady", status, lastTransitionTime: at }];
}

function running(pod: Pod, at: string, restartCount: number): Pod["status"] {
  const containerStatuses: ContainerStatus[] = pod.spec!.containers.map((c) => ({
    name: c.name, image: c.image!, imageID: "", ready: true, restartCount, started: true, state: { running: { startedAt: at } },
  }));
  return { ...pod.status, phase: "Running", conditions: conditions(pod, true, at), containerStatuses, podIP: "10.244.1.10", startTime: pod.status?.startTime ?? at };
}

function ended(pod: Pod, phase: "Succeeded" | "Failed", exitCode: number, at: string): Pod["status"] {
  const containerStatuses: ContainerStatus[] = pod.spec!.containers.map((c) => ({
    name: c.name, image: c.image!, imageID: "", ready: false, restartCount: pod.status?.containerStatuses?.[0]?.restartCount ?? 0, started: false,
    state: { terminated: { exitCode, reason: exitCode === 0 ? "Completed" : "Error", startedAt: at, finishedAt: at } },
  }));
  return { ...pod.status, phase, conditions: conditions(pod, false, at), containerStatuses };
}

/** A cluster running the Job and CronJob controllers with the fake kubelet. */
export function batchCluster(settings: SimulationSettings = DEFAULT_SETTINGS, opts: { start?: string; seed?: number; run?: KubeletOptions["run"] } = {}): SimCluster {
  const kubelet = fakeKubelet({ timeScale: settings.timeScale, run: opts.run });
  const cluster = new SimCluster([createJobController(settings), createCronJobController(settings), kubelet, fakeGarbageCollector()], { seed: opts.seed });
  if (opts.start) cluster.now = Date.parse(opts.start);
  return cluster;
}

export interface JobOptions {
  command?: string;
  completions?: number | null;
  parallelism?: number;
  backoffLimit?: number;
  restartPolicy?: "Never" | "OnFailure";
  completionMode?: "Indexed" | "NonIndexed";
  activeDeadlineSeconds?: number;
  ttlSecondsAfterFinished?: number;
  suspend?: boolean;
  extra?: Record<string, unknown>;
}

/** A batch/v1 Job running busybox with `sh -c <command>` (frozen: the API server copies it). */
export function job(name: string, o: JobOptions = {}): KObject {
  const spec: Record<string, unknown> = {
    template: { spec: { containers: [{ name: "main", image: "busybox", command: ["sh", "-c", o.command ?? "sleep 2"] }], restartPolicy: o.restartPolicy ?? "Never" } },
    ...o.extra,
  };
  for (const key of ["completions", "parallelism", "backoffLimit", "completionMode", "activeDeadlineSeconds", "ttlSecondsAfterFinished", "suspend"] as const) {
    if (o[key] !== undefined) spec[key] = o[key];
  }
  return deepFreeze({ apiVersion: "batch/v1", kind: "Job", metadata: { name, namespace: "default" }, spec });
}

/** The docs' pi Job (completions 1, backoffLimit 4). */
export const piJob = deepFreeze({
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name: "pi", namespace: "default" },
  spec: {
    template: { spec: { containers: [{ name: "pi", image: "perl:5.34.0", command: ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"] }], restartPolicy: "Never" } },
    backoffLimit: 4,
  },
});

/** The completion index of an Indexed Job's pod. */
export const indexOf = (pod: Pod) => Number(pod.metadata?.annotations?.["batch.kubernetes.io/job-completion-index"] ?? -1);

export const jobOf = (cluster: SimCluster, name: string) => cluster.get(JOBS, name) as unknown as Job | undefined;

export function podsOf(cluster: SimCluster, jobName: string): Pod[] {
  return cluster.list("pods", "default").filter((p) => p.metadata.labels?.["job-name"] === jobName) as unknown as Pod[];
}

export function condition(job: Job | undefined, type: string) {
  return job?.status?.conditions?.find((c) => c.type === type);
}

export function eventsFor(cluster: SimCluster, name: string): { reason: string; message: string; type: string; count: number }[] {
  return cluster
    .list("events", "default")
    .filter((e) => (e.involvedObject as { name?: string }).name === name)
    .map((e) => ({ reason: e.reason as string, message: e.message as string, type: e.type as string, count: e.count as number }));
}

// ---- invariants ----

const activeOf = (pods: KObject[]) =>
  pods.filter((p) => !p.metadata.deletionTimestamp && !["Succeeded", "Failed"].includes((p.status as { phase?: string }).phase ?? "")).length;

/** Never more active pods than parallelism. */
export const atMostParallelism: Invariant = (c) => {
  for (const j of c.list(JOBS)) {
    const parallelism = (j.spec as { parallelism?: number }).parallelism ?? 1;
    const active = activeOf(c.store.ownedBy("pods", j.metadata.uid!));
    if (active > parallelism) throw new Error(`job ${j.metadata.name}: ${active} active pods > parallelism ${parallelism} at step ${c.steps}`);
  }
};

/** status.succeeded never goes down (per Job uid). */
export function succeededNeverDecreases(): Invariant {
  const seen = new Map<string, number>();
  return (c) => {
    for (const j of c.list(JOBS)) {
      const succeeded = (j.status as { succeeded?: number } | undefined)?.succeeded ?? 0;
      const before = seen.get(j.metadata.uid!) ?? 0;
      if (succeeded < before) throw new Error(`job ${j.metadata.name}: succeeded went from ${before} to ${succeeded}`);
      seen.set(j.metadata.uid!, succeeded);
    }
  };
}

/** A CronJob never creates two Jobs for one schedule time (one name → one uid, forever). */
export function oneJobPerScheduleTime(): Invariant {
  const uidByName = new Map<string, string>();
  return (c) => {
    for (const j of c.list(JOBS)) {
      if (!j.metadata.ownerReferences?.some((r) => r.kind === "CronJob")) continue;
      const uid = uidByName.get(j.metadata.name!);
      if (uid && uid !== j.metadata.uid) throw new Error(`job ${j.metadata.name} created twice`);
      uidByName.set(j.metadata.name!, j.metadata.uid!);
    }
  };
}

/** When each pod was first seen (virtual ms), for timing assertions. */
export function podBirths(): Invariant & { births: Map<string, number> } {
  const births = new Map<string, number>();
  const check = ((c: SimCluster) => {
    for (const p of c.list("pods", "default")) if (!births.has(p.metadata.name!)) births.set(p.metadata.name!, c.now);
  }) as Invariant & { births: Map<string, number> };
  check.births = births;
  return check;
}

export const JOB_INVARIANTS = (): Invariant[] => [atMostParallelism, succeededNeverDecreases()];
