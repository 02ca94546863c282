/**
 * The Kubernetes docs' Job page, run to quiescence on a simulated cluster with the fake kubelet,
 * checking after every step that no Job runs more than `parallelism` pods and that `succeeded` never
 * goes down.
 */
import { describe, expect, it } from "vitest";
import { FAST_SETTINGS } from "../../../src/sim/settings";
import {
  batchCluster, condition, eventsFor, indexOf, job, jobOf, JOB_INVARIANTS, piJob, podBirths, podsOf,
} from "./harness";

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

describe("Job scenarios from the docs", () => {
  it("runs the pi Job to completion: SuccessCriteriaMet then Complete, as `kubectl wait --for=condition=complete` needs", () => {
    const c = batchCluster();
    c.apply(piJob);
    c.settle({ invariants: JOB_INVARIANTS() });
    const pi = jobOf(c, "pi")!;
    // `kubectl wait` matches the type case-insensitively and needs status True.
    expect(pi.status?.conditions?.find((x) => x.type.toLowerCase() === "complete")?.status).toBe("True");
    expect(pi.status?.conditions?.map((x) => [x.type, x.status, x.reason, x.message])).toEqual([
      ["SuccessCriteriaMet", "True", "CompletionsReached", "Reached expected number of succeeded pods"],
      ["Complete", "True", "CompletionsReached", "Reached expected number of succeeded pods"],
    ]);
    expect(pi.status).toMatchObject({ succeeded: 1, ready: 0, terminating: 0, uncountedTerminatedPods: {}, startTime: "2026-11-25T00:00:00Z" });
    expect(pi.status?.active).toBeUndefined();
    expect(pi.status?.completionTime).toBe(condition(pi, "Complete")!.lastTransitionTime);
    const pods = podsOf(c, "pi");
    expect(pods).toHaveLength(1);
    expect(pods[0].metadata?.name).toMatch(/^pi-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(pods[0].metadata?.finalizers).toBeUndefined();
    expect(pods[0].metadata?.ownerReferences).toEqual([{ apiVersion: "batch/v1", kind: "Job", name: "pi", uid: pi.metadata!.uid, controller: true, blockOwnerDeletion: true }]);
    expect(pods[0].metadata?.labels).toMatchObject({ "job-name": "pi", "batch.kubernetes.io/job-name": "pi", "controller-uid": pi.metadata!.uid });
    expect(eventsFor(c, "pi").map((e) => `${e.type} ${e.reason} ${e.message}`).sort()).toEqual([
      "Normal Completed Job completed",
      `Normal SuccessfulCreate Created pod: ${pods[0].metadata!.name}`,
    ]);
    expect(c.store.nextDue()).toBeUndefined();
  });

  it("gives pods the tracking finalizer while they run and removes it once they are counted", () => {
    const c = batchCluster();
    c.apply(job("worker", { command: "sleep 5" }));
    c.advance(2_000, JOB_INVARIANTS());
    const [pod] = podsOf(c, "worker");
    expect(pod.status?.phase).toBe("Running");
    expect(pod.metadata?.finalizers).toEqual(["batch.kubernetes.io/job-tracking"]);
    expect(jobOf(c, "worker")?.status).toMatchObject({ active: 1, ready: 1 });
    c.settle({ invariants: JOB_INVARIANTS() });
    expect(podsOf(c, "worker")[0].metadata?.finalizers).toBeUndefined();
    expect(jobOf(c, "worker")?.status?.succeeded).toBe(1);
  });

  it("completes an Indexed Job (completions 5, parallelism 2) with indexes 0-4, hostnames and JOB_COMPLETION_INDEX", () => {
    const c = batchCluster();
    c.apply(job("indexed", { completions: 5, parallelism: 2, completionMode: "Indexed", command: "sleep 3" }));
    const births = podBirths();
    c.settle({ invariants: [...JOB_INVARIANTS(), births] });
    const j = jobOf(c, "indexed")!;
    expect(j.status).toMatchObject({ completedIndexes: "0-4", succeeded: 5 });
    expect(condition(j, "Complete")?.status).toBe("True");
    const pods = podsOf(c, "indexed");
    expect(pods).toHaveLength(5);
    for (const pod of pods) {
      const ix = pod.metadata!.annotations!["batch.kubernetes.io/job-completion-index"];
      expect(pod.metadata!.labels!["batch.kubernetes.io/job-completion-index"]).toBe(ix);
      expect(pod.metadata!.name).toMatch(new RegExp(`^indexed-${ix}-[a-z0-9]{5}$`));
      expect(pod.spec!.hostname).toBe(`indexed-${ix}`);
      expect(pod.spec!.subdomain).toBeUndefined();
      expect(pod.spec!.containers[0].env).toContainEqual({
        name: "JOB_COMPLETION_INDEX",
        valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.labels['batch.kubernetes.io/job-completion-index']" } },
      });
    }
    expect(sorted(pods.map((p) => Number(p.metadata!.annotations!["batch.kubernetes.io/job-completion-index"])))).toEqual([0, 1, 2, 3, 4]);
    // Two at a time: 0 and 1 first, then 2 and 3, then 4.
    const startOf = (ix: number) => births.births.get(pods.find((p) => p.metadata!.annotations!["batch.kubernetes.io/job-completion-index"] === String(ix))!.metadata!.name!)!;
    expect(startOf(0)).toBe(startOf(1));
    expect(startOf(2)).toBeGreaterThan(startOf(1));
    expect(startOf(4)).toBeGreaterThan(startOf(3));
  });

  it("fails a Job at backoffLimit 4 after five failures, with back-off growing 10 s, 20 s, 40 s, 80 s", () => {
    const c = batchCluster();
    const births = podBirths();
    c.apply(job("fails", { backoffLimit: 4, command: "sleep 1; exit 1" }));
    c.settle({ invariants: [...JOB_INVARIANTS(), births], horizonMs: 30 * 60_000 });
    const j = jobOf(c, "fails")!;
    expect(j.status?.failed).toBe(5);
    expect(j.status?.conditions?.map((x) => [x.type, x.status, x.reason, x.message])).toEqual([
      ["FailureTarget", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit"],
      ["Failed", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit"],
    ]);
    expect(j.status?.completionTime).toBeUndefined();
    const starts = sorted([...births.births.values()]);
    expect(starts).toHaveLength(5);
    // Each pod runs 1 s; the replacement waits 10·2^(n−1) s after the n-th failure.
    const gaps = starts.slice(1).map((t, i) => (t - starts[i]) / 1000 - 1);
    expect(gaps).toEqual([10, 20, 40, 80]);
    expect(eventsFor(c, "fails")).toContainEqual({ type: "Warning", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit", count: 1 });
    expect(podsOf(c, "fails").every((p) => p.status?.phase === "Failed" && !p.metadata?.finalizers)).toBe(true);
  });

  it("counts restarts in place under restartPolicy OnFailure towards backoffLimit", () => {
    const c = batchCluster();
    c.apply(job("restarts", { backoffLimit: 2, restartPolicy: "OnFailure", command: "sleep 1; exit 3" }));
    c.settle({ invariants: JOB_INVARIANTS() });
    const j = jobOf(c, "restarts")!;
    expect(condition(j, "Failed")).toMatchObject({ status: "True", reason: "BackoffLimitExceeded" });
    // One pod, restarted twice in place, then deleted and counted as the one failure.
    expect(j.status?.failed).toBe(1);
    expect(podsOf(c, "restarts")).toHaveLength(0);
  });

  it("stops a Job at activeDeadlineSeconds: DeadlineExceeded, active pods deleted", () => {
    const c = batchCluster();
    c.apply(job("deadline", { activeDeadlineSeconds: 10, command: "sleep 100" }));
    c.settle({ invariants: JOB_INVARIANTS() });
    const j = jobOf(c, "deadline")!;
    expect(j.status?.conditions?.map((x) => [x.type, x.reason, x.message])).toEqual([
      ["FailureTarget", "DeadlineExceeded", "Job was active longer than specified deadline"],
      ["Failed", "DeadlineExceeded", "Job was active longer than specified deadline"],
    ]);
    expect(Date.parse(condition(j, "FailureTarget")!.lastTransitionTime!) - Date.parse(j.status!.startTime!)).toBe(10_000);
    expect(j.status).toMatchObject({ failed: 1, terminating: 0 });
    expect(j.status?.active).toBeUndefined();
    expect(podsOf(c, "deadline")).toHaveLength(0);
    const events = eventsFor(c, "deadline").map((e) => e.reason);
    expect(events).toContain("SuccessfulDelete");
    expect(events).toContain("DeadlineExceeded");
  });

  it("suspends (pods deleted, Suspended True/JobSuspended) and resumes (Suspended False/JobResumed, fresh startTime)", () => {
    const c = batchCluster();
    c.apply(job("myjob", { command: "sleep 30", completions: 1 }));
    c.advance(5_000, JOB_INVARIANTS());
    const firstStart = jobOf(c, "myjob")!.status!.startTime;
    c.patch("Job", "myjob", { spec: { suspend: true } });
    c.advance(5_000, JOB_INVARIANTS());
    let j = jobOf(c, "myjob")!;
    expect(condition(j, "Suspended")).toMatchObject({ status: "True", reason: "JobSuspended", message: "Job suspended" });
    expect(podsOf(c, "myjob")).toHaveLength(0);
    // Pods deleted by suspension are not failures.
    expect(j.status?.failed).toBeUndefined();
    expect(j.status?.active).toBeUndefined();
    c.patch("Job", "myjob", { spec: { suspend: false } });
    c.settle({ invariants: JOB_INVARIANTS() });
    j = jobOf(c, "myjob")!;
    expect(condition(j, "Suspended")).toMatchObject({ status: "False", reason: "JobResumed", message: "Job resumed" });
    expect(Date.parse(j.status!.startTime!)).toBeGreaterThan(Date.parse(firstStart!));
    expect(condition(j, "Complete")?.status).toBe("True");
    const reasons = eventsFor(c, "myjob").map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(["SuccessfulCreate", "SuccessfulDelete", "Suspended", "Resumed", "Completed"]));
  });

  it("creates a Job suspended: no pods, no startTime until resumed", () => {
    const c = batchCluster();
    c.apply(job("later", { suspend: true }));
    c.settle({ invariants: JOB_INVARIANTS() });
    const j = jobOf(c, "later")!;
    expect(j.status?.startTime).toBeUndefined();
    expect(condition(j, "Suspended")?.status).toBe("True");
    expect(podsOf(c, "later")).toHaveLength(0);
  });

  it("deletes a finished Job ttlSecondsAfterFinished later", () => {
    const c = batchCluster();
    c.apply(job("ttl", { ttlSecondsAfterFinished: 100, command: "sleep 2" }));
    c.advance(50_000, JOB_INVARIANTS());
    const finishedAt = Date.parse(condition(jobOf(c, "ttl"), "Complete")!.lastTransitionTime!);
    expect(jobOf(c, "ttl")).toBeDefined();
    c.settle({ invariants: JOB_INVARIANTS() });
    expect(jobOf(c, "ttl")).toBeUndefined();
    expect(c.now).toBe(finishedAt + 100_000);
  });

  it("runs a work-queue Job (no completions, parallelism 3) until a pod succeeds and the rest finish", () => {
    const c = batchCluster();
    c.apply(job("queue", { parallelism: 3, command: "sleep 4" }));
    c.settle({ invariants: JOB_INVARIANTS() });
    const j = jobOf(c, "queue")!;
    expect(j.spec?.completions).toBeUndefined();
    expect(j.status?.succeeded).toBe(3);
    expect(condition(j, "Complete")?.status).toBe("True");
  });

  it("runs completions 6 with parallelism 2 never exceeding two pods", () => {
    const c = batchCluster();
    c.apply(job("batch", { completions: 6, parallelism: 2, command: "sleep 2" }));
    c.settle({ invariants: JOB_INVARIANTS() });
    expect(jobOf(c, "batch")?.status?.succeeded).toBe(6);
    expect(podsOf(c, "batch")).toHaveLength(6);
  });

  it("replaces a pod a user deleted, counting it as failed (podReplacementPolicy TerminatingOrFailed)", () => {
    const c = batchCluster();
    c.apply(job("victim", { command: "sleep 60" }));
    c.advance(5_000, JOB_INVARIANTS());
    const [first] = podsOf(c, "victim");
    c.delete("Pod", first.metadata!.name!);
    c.advance(30_000, JOB_INVARIANTS());
    const pods = podsOf(c, "victim");
    expect(pods.map((p) => p.metadata!.name)).not.toContain(first.metadata!.name);
    expect(pods.filter((p) => p.status?.phase === "Running")).toHaveLength(1);
    expect(jobOf(c, "victim")?.status).toMatchObject({ failed: 1, active: 1 });
  });

  it("scales back-off and deadlines by timeScale in the fast profile", () => {
    const c = batchCluster(FAST_SETTINGS);
    const start = c.now;
    c.apply(job("quick", { activeDeadlineSeconds: 100, command: "sleep 1000" }));
    c.settle({ invariants: JOB_INVARIANTS() });
    expect(condition(jobOf(c, "quick"), "Failed")?.reason).toBe("DeadlineExceeded");
    expect(c.now - start).toBeLessThan(3_000);
  });
});

describe("podFailurePolicy, backoffLimitPerIndex, successPolicy", () => {
  const policy = (rules: unknown[]) => ({ podFailurePolicy: { rules } });

  it("FailJob on an exit code fails the Job at once with reason PodFailurePolicy", () => {
    const c = batchCluster();
    c.apply(job("pfp", {
      completions: 4, parallelism: 2, backoffLimit: 6, command: "sleep 1; exit 42",
      extra: policy([{ action: "FailJob", onExitCodes: { containerName: "main", operator: "In", values: [42] } }]),
    }));
    c.settle({ invariants: JOB_INVARIANTS() });
    const j = jobOf(c, "pfp")!;
    const failed = condition(j, "Failed")!;
    expect(failed.reason).toBe("PodFailurePolicy");
    expect(failed.message).toMatch(/^Container main for pod default\/pfp-[a-z0-9]{5} failed with exit code 42 matching FailJob rule at index 0$/);
    expect(j.status?.failed).toBe(2);
  });

  it("Count counts a failure like no policy would", () => {
    const c = batchCluster();
    c.apply(job("counted", {
      backoffLimit: 1, command: "sleep 1; exit 5",
      extra: policy([{ action: "Count", onExitCodes: { operator: "In", values: [5] } }]),
    }));
    c.settle({ invariants: JOB_INVARIANTS() });
    const j = jobOf(c, "counted")!;
    expect(j.status?.failed).toBe(2);
    expect(condition(j, "Failed")?.reason).toBe("BackoffLimitExceeded");
  });

  it("Ignore does not count a failure towards backoffLimit", () => {
    const c = batchCluster();
    c.apply(job("ignored", {
      backoffLimit: 0, command: "sleep 1; exit 7",
      extra: policy([{ action: "Ignore", onExitCodes: { operator: "In", values: [7] } }]),
    }));
    c.advance(60_000, JOB_INVARIANTS());
    const j = jobOf(c, "ignored")!;
    expect(condition(j, "Failed")).toBeUndefined();
    expect(j.status?.failed).toBeUndefined();
    expect(podsOf(c, "ignored").filter((p) => p.status?.phase === "Failed").length).toBeGreaterThan(1);
  });

  it("backoffLimitPerIndex retries only the failing index, then the Job ends FailedIndexes", () => {
    // Index 1 always fails; the others succeed.
    const c = batchCluster(undefined, { run: (p) => (indexOf(p) === 1 ? { seconds: 1, exitCode: 3 } : undefined) });
    c.apply(job("per-index", { completions: 3, parallelism: 3, completionMode: "Indexed", command: "sleep 2", extra: { backoffLimitPerIndex: 1 } }));
    c.settle({ invariants: JOB_INVARIANTS() });
    const j = jobOf(c, "per-index")!;
    expect(j.status).toMatchObject({ completedIndexes: "0,2", failedIndexes: "1", succeeded: 2, failed: 2 });
    expect(j.status?.conditions?.map((x) => [x.type, x.reason, x.message])).toEqual([
      ["FailureTarget", "FailedIndexes", "Job has failed indexes"],
      ["Failed", "FailedIndexes", "Job has failed indexes"],
    ]);
    const index1 = podsOf(c, "per-index").filter((p) => indexOf(p) === 1);
    expect(index1.map((p) => p.metadata!.annotations!["batch.kubernetes.io/job-index-failure-count"]).sort()).toEqual(["0", "1"]);
  });

  it("FailIndex on an exit code fails that index at once", () => {
    const c = batchCluster(undefined, { run: (p) => (indexOf(p) === 0 ? { seconds: 1, exitCode: 42 } : undefined) });
    c.apply(job("fail-index", {
      completions: 2, parallelism: 2, completionMode: "Indexed", command: "sleep 2",
      extra: { backoffLimitPerIndex: 5, ...policy([{ action: "FailIndex", onExitCodes: { operator: "In", values: [42] } }]) },
    }));
    c.settle({ invariants: JOB_INVARIANTS() });
    const j = jobOf(c, "fail-index")!;
    expect(j.status).toMatchObject({ failedIndexes: "0", completedIndexes: "1" });
    expect(podsOf(c, "fail-index").filter((p) => indexOf(p) === 0)).toHaveLength(1);
    expect(condition(j, "Failed")?.reason).toBe("FailedIndexes");
  });

  it("maxFailedIndexes ends the Job as soon as too many indexes failed", () => {
    const c = batchCluster(undefined, { run: (p) => (indexOf(p) < 2 ? { seconds: 1, exitCode: 1 } : undefined) });
    c.apply(job("max-failed", { completions: 5, parallelism: 5, completionMode: "Indexed", command: "sleep 30", extra: { backoffLimitPerIndex: 0, maxFailedIndexes: 1 } }));
    c.settle({ invariants: JOB_INVARIANTS() });
    const j = jobOf(c, "max-failed")!;
    expect(condition(j, "Failed")).toMatchObject({ reason: "MaxFailedIndexesExceeded", message: "Job has exceeded the specified maximal number of failed indexes" });
    // The still-running indexes were deleted: failures of the failed Job, and (backoffLimitPerIndex 0) failed indexes too.
    expect(j.status?.failedIndexes).toBe("0-4");
    expect(j.status?.failed).toBe(5);
    expect(podsOf(c, "max-failed")).toHaveLength(2);
  });

  it("successPolicy: the Job succeeds when index 0 succeeds (SuccessPolicy / Matched rules at index 0)", () => {
    const c = batchCluster(undefined, { run: (p) => (indexOf(p) === 0 ? { seconds: 1, exitCode: 0 } : { seconds: 60, exitCode: 0 }) });
    c.apply(job("leader", { completions: 3, parallelism: 3, completionMode: "Indexed", extra: { successPolicy: { rules: [{ succeededIndexes: "0" }] } } }));
    c.settle({ invariants: JOB_INVARIANTS() });
    const j = jobOf(c, "leader")!;
    expect(j.status?.conditions?.map((x) => [x.type, x.reason, x.message])).toEqual([
      ["SuccessCriteriaMet", "SuccessPolicy", "Matched rules at index 0"],
      ["Complete", "SuccessPolicy", "Matched rules at index 0"],
    ]);
    expect(j.status).toMatchObject({ completedIndexes: "0", succeeded: 1, terminating: 0 });
    // The workers were stopped, not counted as failures.
    expect(j.status?.failed).toBeUndefined();
    expect(Date.parse(j.status!.completionTime!) - Date.parse(j.status!.startTime!)).toBeLessThan(5_000);
  });

  it("podFailurePolicy Ignore on a DisruptionTarget condition replaces the pod without counting it", () => {
    const c = batchCluster();
    c.apply(job("disrupted", {
      backoffLimit: 0, command: "sleep 30",
      extra: policy([{ action: "Ignore", onPodConditions: [{ type: "DisruptionTarget" }] }]),
    }));
    c.advance(2_000, JOB_INVARIANTS());
    const [pod] = podsOf(c, "disrupted");
    // What the taint manager or an eviction does: DisruptionTarget, then Failed.
    const status = { ...pod.status, phase: "Failed", conditions: [...(pod.status?.conditions ?? []), { type: "DisruptionTarget", status: "True", reason: "DeletionByTaintManager" }] };
    c.write(() => {
      const stored = c.get("pods", pod.metadata!.name!)!;
      c.store.put("pods", { ...stored, status }, stored);
    });
    c.settle({ invariants: JOB_INVARIANTS() });
    const j = jobOf(c, "disrupted")!;
    expect(condition(j, "Complete")?.status).toBe("True");
    expect(j.status?.failed).toBeUndefined();
    expect(j.status?.succeeded).toBe(1);
  });
});
