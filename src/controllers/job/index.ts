/**
 * The Job controller (upstream pkg/controller/job), with the TTL-after-finished controller for Jobs.
 *
 * Keys: "namespace/name" for a Job; "pod:namespace/name" for a pod that still carries the Job tracking
 * finalizer but whose Job is gone, replaced or finished (upstream's orphan queue) — its finalizer is
 * removed so it can be deleted.
 */
import { keyOf, splitKey, controllerOf, done, type Controller, type ObjectChange, type Snapshot } from "../types";
import type { KObject } from "../../api/types";
import type { SimulationSettings } from "../../sim/settings";
import { DEFAULT_POD_FAILURE_BACKOFF_MS, MAX_POD_FAILURE_BACKOFF_MS } from "./backoff";
import { isJobFinished } from "./conditions";
import { JOBS, PODS, PassWrites, type JobTiming } from "./context";
import { asJob, asPod, hasTrackingFinalizer } from "./pods";
import { syncJob } from "./sync";
import { processTTL } from "./ttl";

export { JOBS, PODS } from "./context";
export { JOB_TRACKING_FINALIZER, COMPLETION_INDEX_ANNOTATION } from "./pods";

const ORPHAN_PREFIX = "pod:";

export function jobTiming(settings: SimulationSettings): JobTiming {
  const scale = settings.timeScale;
  return { backoff: { baseMs: DEFAULT_POD_FAILURE_BACKOFF_MS * scale, maxMs: MAX_POD_FAILURE_BACKOFF_MS * scale }, scale };
}

/** The live Job a pod's controller reference points at, if that Job still exists with that uid. */
function owningJob(pod: KObject, snapshot: Snapshot): KObject | undefined {
  const ref = controllerOf(pod);
  if (!ref || ref.kind !== "Job" || ref.apiVersion !== "batch/v1") return undefined;
  const job = snapshot.get(JOBS, pod.metadata.namespace ?? "", ref.name);
  return job?.metadata.uid === ref.uid ? job : undefined;
}

const orphanKey = (pod: KObject) => `${ORPHAN_PREFIX}${keyOf(pod)}`;

export function jobKeysFor(change: ObjectChange, snapshot: Snapshot): string[] {
  if (change.resource === JOBS) {
    const keys = [keyOf(change.object)];
    // deleteJob → cleanupPodFinalizers: the pods of a deleted Job must not keep its finalizer.
    if (change.type === "DELETED") {
      for (const pod of snapshot.ownedBy(PODS, change.object.metadata.uid ?? "")) if (hasTrackingFinalizer(asPod(pod))) keys.push(orphanKey(pod));
    }
    return keys;
  }
  if (change.resource !== PODS) return [];
  const keys = new Set<string>();
  for (const pod of [change.object, change.previous]) {
    const job = pod && owningJob(pod, snapshot);
    if (job) keys.add(keyOf(job));
  }
  if (change.type !== "DELETED" && hasTrackingFinalizer(asPod(change.object)) && !owningJob(change.object, snapshot)) keys.add(orphanKey(change.object));
  return [...keys];
}

/**
 * syncOrphanPod: remove the finalizer unless the pod belongs to another kind of owner or to a live,
 * unfinished Job (which accounts for it itself).
 */
function syncOrphanPod(key: string, snapshot: Snapshot) {
  const { namespace, name } = splitKey(key.slice(ORPHAN_PREFIX.length));
  const pod = snapshot.get(PODS, namespace, name);
  if (!pod || !hasTrackingFinalizer(asPod(pod))) return done();
  const ref = controllerOf(pod);
  if (ref && (ref.kind !== "Job" || ref.apiVersion !== "batch/v1")) return done();
  const job = owningJob(pod, snapshot);
  if (job && !isJobFinished(asJob(job))) return done();
  const out = new PassWrites(pod);
  out.releaseFinalizer(asPod(pod));
  return done(out.writes());
}

/**
 * A finished Job: no more syncing, but upstream's backup finalizer cleanup for any pod still holding
 * one, and the TTL.
 */
function finishedJob(job: KObject, snapshot: Snapshot, now: number, timing: JobTiming) {
  const out = new PassWrites(job);
  for (const pod of snapshot.ownedBy(PODS, job.metadata.uid!)) if (hasTrackingFinalizer(asPod(pod))) out.releaseFinalizer(asPod(pod));
  const ttl = processTTL(asJob(job), now, timing.scale);
  if (ttl.wait !== undefined) out.after(ttl.wait);
  const writes = out.writes();
  if (ttl.write) writes.push(ttl.write);
  return done(writes, out.requeueAfter);
}

export function createJobController(settings: SimulationSettings): Controller {
  const timing = jobTiming(settings);
  return {
    name: "job",
    keysFor: jobKeysFor,
    reconcile(key, snapshot, now, rng) {
      if (key.startsWith(ORPHAN_PREFIX)) return syncOrphanPod(key, snapshot);
      const { namespace, name } = splitKey(key);
      const job = snapshot.get(JOBS, namespace, name);
      if (!job) return done();
      if (isJobFinished(asJob(job))) return finishedJob(job, snapshot, now, timing);
      return syncJob(job, snapshot, now, rng, timing);
    },
  };
}
