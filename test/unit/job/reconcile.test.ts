/** One reconcile pass of the Job controller at a time, asserting on the writes it returns. */
import { describe, expect, it } from "vitest";
import { createJobController, jobKeysFor } from "../../../src/controllers/job";
import { DEFAULT_SETTINGS } from "../../../src/sim/settings";
import { at, ops, snapshotOf, statusOf, storedJob, storedPod, T0 } from "./fixtures";

const controller = createJobController(DEFAULT_SETTINGS);
const rng = (() => {
  let i = 0;
  return () => ((i++ * 7) % 27) / 27;
})();
const pass = (job: ReturnType<typeof storedJob>, pods: ReturnType<typeof storedPod>[], seconds = 2) =>
  controller.reconcile(`default/${job.metadata.name}`, snapshotOf({ "jobs.batch": [job], pods }), T0 + seconds * 1000, rng);

describe("job reconcile", () => {
  it("creates the first pod from the template with the finalizer, owner and a random name, and records startTime", () => {
    const job = storedJob("pi");
    const result = pass(job, [], 0);
    expect(ops(result.writes)).toEqual([expect.stringMatching(/^create pods pi-[a-z0-9]{5}$/), "status jobs.batch pi", "event SuccessfulCreate"]);
    const pod = (result.writes[0] as { object: any }).object;
    expect(pod.metadata).toMatchObject({
      generateName: "pi-", namespace: "default", finalizers: ["batch.kubernetes.io/job-tracking"],
      labels: { "job-name": "pi", "controller-uid": "uid-pi" },
      ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: "pi", uid: "uid-pi", controller: true, blockOwnerDeletion: true }],
    });
    expect(statusOf(result.writes)).toEqual({ startTime: at(0), active: 1, ready: 0, terminating: 0, uncountedTerminatedPods: {} });
  });

  it("writes nothing when nothing changed (idle is free)", () => {
    const job = storedJob("idle", {}, { startTime: at(0), active: 1, ready: 1, terminating: 0, uncountedTerminatedPods: {} });
    const result = pass(job, [storedPod(job, "idle-a")]);
    expect(result.writes).toEqual([]);
    expect(result.requeueAfter).toBeUndefined();
  });

  it.each([
    ["records a finished pod in uncountedTerminatedPods first, keeping its finalizer", {}, true, ["status jobs.batch pi"], { uncountedTerminatedPods: { succeeded: ["uid-pi-a"] } }],
    ["then removes the finalizer of a pod already recorded", { uncountedTerminatedPods: { succeeded: ["uid-pi-a"] } }, true, ["update pods pi-a"], undefined],
    ["then moves it into the counter once the finalizer is gone", { uncountedTerminatedPods: { succeeded: ["uid-pi-a"] } }, false, ["status jobs.batch pi", "event Completed"], { succeeded: 1, uncountedTerminatedPods: {} }],
  ])("%s", (_name, stored, finalizer, expected, status) => {
    const job = storedJob("pi", {}, {
      startTime: at(0), ready: 0, terminating: 0, uncountedTerminatedPods: {}, ...stored,
      ...("uncountedTerminatedPods" in stored ? { conditions: [{ type: "SuccessCriteriaMet", status: "True", reason: "CompletionsReached", message: "Reached expected number of succeeded pods", lastTransitionTime: at(1), lastProbeTime: at(1) }] } : {}),
    });
    const result = pass(job, [storedPod(job, "pi-a", { phase: "Succeeded", finalizer })]);
    expect(ops(result.writes)).toEqual(expected);
    if (status) expect(statusOf(result.writes)).toMatchObject(status);
  });

  it("waits out the back-off before replacing a failed pod: 10 s after the first failure", () => {
    const job = storedJob("fails", {}, { startTime: at(0), failed: 1, ready: 0, terminating: 0, uncountedTerminatedPods: {} });
    const failed = storedPod(job, "fails-a", { phase: "Failed", finalizer: false, finishedAt: 3 });
    const early = pass(job, [failed], 7);
    expect(ops(early.writes)).toEqual([]);
    expect(early.requeueAfter).toBe(6_000);
    const due = pass(job, [failed], 13);
    expect(ops(due.writes)).toEqual([expect.stringMatching(/^create pods fails-/), "status jobs.batch fails", "event SuccessfulCreate"]);
  });

  it("resumes without back-off: pods released by suspension are not failures", () => {
    const job = storedJob("resumed", {}, { startTime: at(0), ready: 0, terminating: 0, uncountedTerminatedPods: {}, conditions: [{ type: "Suspended", status: "False", reason: "JobResumed", message: "Job resumed" }] });
    const killed = storedPod(job, "resumed-a", { phase: "Failed", finalizer: false, deleting: true, finishedAt: 1, exitCode: 137 });
    expect(ops(pass(job, [killed], 2).writes)).toEqual([expect.stringMatching(/^create pods resumed-/), "status jobs.batch resumed", "event SuccessfulCreate"]);
  });

  it("suspending removes the finalizer before deleting, so suspended pods are never counted as failures", () => {
    const job = storedJob("sus", { suspend: true }, { startTime: at(0), active: 1, ready: 1, terminating: 0, uncountedTerminatedPods: {} });
    const result = pass(job, [storedPod(job, "sus-a")]);
    expect(ops(result.writes)).toEqual(["update pods sus-a", "delete pods sus-a", "status jobs.batch sus", "event SuccessfulDelete", "event Suspended"]);
    expect(statusOf(result.writes)).toMatchObject({ ready: 0, terminating: 1, conditions: [{ type: "Suspended", status: "True", reason: "JobSuspended", message: "Job suspended" }] });
    expect(statusOf(result.writes)?.active).toBeUndefined();
  });

  it("fails at the deadline: FailureTarget written with the running pods recorded as failed, then deleted", () => {
    const job = storedJob("late", { activeDeadlineSeconds: 5 }, { startTime: at(0), active: 1, ready: 1, terminating: 0, uncountedTerminatedPods: {} });
    const early = pass(job, [storedPod(job, "late-a")], 2);
    expect(early.writes).toEqual([]);
    expect(early.requeueAfter).toBe(3_000);
    const result = pass(job, [storedPod(job, "late-a")], 5);
    expect(ops(result.writes)).toEqual(["delete pods late-a", "status jobs.batch late", "event SuccessfulDelete"]);
    expect(statusOf(result.writes)).toMatchObject({
      terminating: 1, uncountedTerminatedPods: { failed: ["uid-late-a"] },
      conditions: [{ type: "FailureTarget", reason: "DeadlineExceeded", message: "Job was active longer than specified deadline" }],
    });
  });

  it("names Indexed pods <job>-<index>-<random> and fills the lowest pending indexes", () => {
    const job = storedJob("idx", { completionMode: "Indexed", completions: 4, parallelism: 2 }, { startTime: at(0), completedIndexes: "0", succeeded: 1, ready: 0, terminating: 0, uncountedTerminatedPods: {} });
    const result = pass(job, [storedPod(job, "idx-2-aaaaa", { index: 2 })]);
    const created = result.writes.filter((w) => w.op === "create").map((w) => (w as { object: any }).object);
    expect(created.map((p) => p.metadata.annotations["batch.kubernetes.io/job-completion-index"])).toEqual(["1"]);
    expect(created[0].metadata.name).toMatch(/^idx-1-[a-z0-9]{5}$/);
    expect(created[0].spec.hostname).toBe("idx-1");
  });

  it("removes the finalizer of a pod whose Job is gone (orphan key)", () => {
    const job = storedJob("gone");
    const pod = storedPod(job, "gone-a", { phase: "Succeeded" });
    const keys = jobKeysFor({ type: "MODIFIED", resource: "pods", object: pod }, snapshotOf({ pods: [pod] }));
    expect(keys).toEqual(["pod:default/gone-a"]);
    const result = controller.reconcile(keys[0], snapshotOf({ pods: [pod] }), T0, rng);
    expect(ops(result.writes)).toEqual(["update pods gone-a"]);
    expect((result.writes[0] as { object: any }).object.metadata.finalizers).toBeUndefined();
  });

  it("maps a pod change to its owning Job's key", () => {
    const job = storedJob("owner");
    const pod = storedPod(job, "owner-a");
    expect(jobKeysFor({ type: "MODIFIED", resource: "pods", object: pod }, snapshotOf({ "jobs.batch": [job], pods: [pod] }))).toEqual(["default/owner"]);
    expect(jobKeysFor({ type: "ADDED", resource: "jobs.batch", object: job }, snapshotOf({}))).toEqual(["default/owner"]);
  });

  it("deletes a finished Job when its TTL expires, Background, guarded by uid", () => {
    const done = [{ type: "Complete", status: "True", lastTransitionTime: at(10) }];
    const job = storedJob("ttl", { ttlSecondsAfterFinished: 30 }, { conditions: done, succeeded: 1 });
    expect(pass(job, [], 20).requeueAfter).toBe(20_000);
    expect(pass(job, [], 40).writes).toEqual([{ op: "delete", resource: "jobs.batch", namespace: "default", name: "ttl", uid: "uid-ttl", propagationPolicy: "Background" }]);
  });
});
