/**
 * What one Job sync pass knows and what it decides (upstream's syncJobCtx), plus the writes it
 * collects. Writes leave in a fixed order — finalizer removals, deletions, creations, the status,
 * events — so a pod's finalizer update never races its own deletion within one pass.
 */
import type { Job, JobCondition, JobStatus } from "kubernetes-types/batch/v1";
import type { Pod } from "kubernetes-types/core/v1";
import type { KObject } from "../../api/types";
import type { Rng, Write } from "../types";
import type { Backoff, BackoffRecord } from "./backoff";
import type { Intervals } from "./indexes";
import { withoutTrackingFinalizer } from "./pods";

export const JOBS = "jobs.batch";
export const PODS = "pods";
export const COMPONENT = "job-controller";

/** How a cluster's simulation speed applies to the Job controller's durations. */
export interface JobTiming {
  backoff: Backoff;
  /** Multiplies user-given durations (activeDeadlineSeconds, ttlSecondsAfterFinished), as the kubelet scales run times. */
  scale: number;
}

export interface SyncContext {
  job: Job;
  jobObject: KObject;
  now: number;
  rng: Rng;
  timing: JobTiming;
  /** The status this pass computes; written once at the end when it differs. */
  status: JobStatus;
  pods: Pod[];
  activePods: Pod[];
  /** status.uncountedTerminatedPods as stored when the pass began. */
  uncounted: { succeeded: ReadonlySet<string>; failed: ReadonlySet<string> };
  succeeded: number;
  failed: number;
  ready: number;
  terminating: number;
  /** The outcome decided so far: an interim condition, or the terminal one derived from a stored interim one. */
  finished?: JobCondition;
  prevSucceededIndexes: Intervals;
  succeededIndexes: Intervals;
  /** Only with backoffLimitPerIndex. */
  failedIndexes?: Intervals;
  /** Per index, the failed pod whose finalizer stays until its replacement carries its failure count. */
  delayedPerIndex: Map<number, Pod>;
  backoff: BackoffRecord;
  out: PassWrites;
}

export class PassWrites {
  private readonly updates: Write[] = [];
  private readonly deletes: Write[] = [];
  private readonly creates: Write[] = [];
  private readonly events: Write[] = [];
  /** Pods whose finalizer this pass already removes. */
  readonly released = new Set<string>();
  requeueAfter?: number;

  constructor(private readonly involved: KObject) {}

  releaseFinalizer(pod: Pod): void {
    const uid = pod.metadata!.uid!;
    if (this.released.has(uid)) return;
    this.released.add(uid);
    this.updates.push({ op: "update", resource: PODS, object: withoutTrackingFinalizer(pod) });
  }

  deletePod(pod: Pod): void {
    const m = pod.metadata!;
    this.deletes.push({ op: "delete", resource: PODS, namespace: m.namespace!, name: m.name!, uid: m.uid });
    this.event("Normal", "SuccessfulDelete", `Deleted pod: ${m.name}`);
  }

  createPod(pod: KObject): void {
    this.creates.push({ op: "create", resource: PODS, object: pod });
    this.event("Normal", "SuccessfulCreate", `Created pod: ${pod.metadata.name}`);
  }

  event(type: "Normal" | "Warning", reason: string, message: string): void {
    this.events.push({ op: "event", involved: this.involved, type, reason, message, component: COMPONENT });
  }

  /** Sync again after `ms` (the earliest of all asked for). */
  after(ms: number): void {
    const wait = Math.max(ms, 1);
    this.requeueAfter = this.requeueAfter === undefined ? wait : Math.min(this.requeueAfter, wait);
  }

  writes(status?: Write): Write[] {
    return [...this.updates, ...this.deletes, ...this.creates, ...(status ? [status] : []), ...this.events];
  }
}
