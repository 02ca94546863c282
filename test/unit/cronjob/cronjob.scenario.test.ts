/**
 * The Kubernetes docs' CronJob page on a simulated cluster: the Job controller, the CronJob controller,
 * the fake kubelet and a fake garbage collector, with a CronJob never creating two Jobs for one
 * schedule time and no Job exceeding its parallelism, checked after every step. The harness plays the
 * platform's cron trigger at every minute boundary (from the index of next runs), the only thing that
 * fires a CronJob.
 */
import { describe, expect, it } from "vitest";
import type { CronJob } from "kubernetes-types/batch/v1";
import { nextScheduleTime } from "../../../src/controllers/cronjob";
import type { KObject } from "../../../src/api/types";
import { batchCluster, CRONJOBS, eventsFor, JOBS, JOB_INVARIANTS, oneJobPerScheduleTime } from "../job/harness";
import { deepFreeze } from "../job/fixtures";
import type { SimCluster } from "../runtime/cluster";

const START = "2026-11-25T00:00:00Z";
const minutesOf = (iso: string) => Date.parse(iso) / 60_000;
const jobName = (iso: string, name = "hello") => `${name}-${minutesOf(iso)}`;

/** The docs' hello CronJob, with overrides. */
function hello(spec: Record<string, unknown> = {}, command = "date; echo Hello from the Kubernetes cluster", name = "hello"): KObject {
  return deepFreeze({
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name, namespace: "default" },
    spec: {
      schedule: "* * * * *",
      jobTemplate: {
        spec: {
          template: {
            spec: {
              containers: [{ name: "hello", image: "busybox:1.28", imagePullPolicy: "IfNotPresent", command: ["/bin/sh", "-c", command] }],
              restartPolicy: "OnFailure",
            },
          },
        },
      },
      ...spec,
    },
  });
}

const invariants = () => [...JOB_INVARIANTS(), oneJobPerScheduleTime()];
const cronJobOf = (c: SimCluster, name = "hello") => c.get(CRONJOBS, name) as unknown as CronJob;
const jobNames = (c: SimCluster) => c.list(JOBS, "default").map((j) => j.metadata.name!).sort();
const finished = (c: SimCluster, type: string) =>
  c.list(JOBS, "default").filter((j) => (j.status as any)?.conditions?.some((x: any) => x.type === type && x.status === "True")).map((j) => j.metadata.name!).sort();

describe("CronJob scenarios from the docs", () => {
  it("creates hello-<minutes> Jobs on time every minute and keeps 3 successful Jobs", () => {
    const c = batchCluster(undefined, { start: START });
    const created: Record<string, number> = {};
    const record = (cl: SimCluster) => {
      for (const j of cl.list(JOBS, "default")) created[j.metadata.name!] ??= cl.now;
    };
    c.apply(hello());
    c.advance(5 * 60_000 + 30_000, [...invariants(), record]);
    for (const minute of ["00:01", "00:02", "00:03", "00:04", "00:05"]) {
      const at = `2026-11-25T${minute}:00Z`;
      // On time: the scheduled event at the minute boundary.
      expect(created[jobName(at)]).toBe(Date.parse(at));
    }
    // One wake per minute, and one Job each: the controller keeps no timer of its own.
    expect(c.wakes).toBe(5);
    expect(jobNames(c)).toEqual(["00:03", "00:04", "00:05"].map((m) => jobName(`2026-11-25T${m}:00Z`)));
    const newest = c.get(JOBS, jobName("2026-11-25T00:05:00Z"))!;
    expect(newest.metadata.annotations).toEqual({ "batch.kubernetes.io/cronjob-scheduled-timestamp": "2026-11-25T00:05:00Z" });
    expect(newest.metadata.ownerReferences).toEqual([{ apiVersion: "batch/v1", kind: "CronJob", name: "hello", uid: cronJobOf(c).metadata!.uid, controller: true, blockOwnerDeletion: true }]);
    const status = cronJobOf(c).status!;
    expect(status.lastScheduleTime).toBe("2026-11-25T00:05:00Z");
    expect(status.lastSuccessfulTime).toBe((newest.status as any).completionTime);
    expect(status.active).toBeUndefined();
    const events = eventsFor(c, "hello").map((e) => `${e.type} ${e.reason} ${e.message}`);
    expect(events).toContain(`Normal SuccessfulCreate Created job ${jobName("2026-11-25T00:01:00Z")}`);
    expect(events).toContain(`Normal SawCompletedJob Saw completed job: ${jobName("2026-11-25T00:01:00Z")}, condition: Complete`);
    expect(events).toContain(`Normal SuccessfulDelete Deleted job ${jobName("2026-11-25T00:01:00Z")}`);
    // The garbage collector took the deleted Jobs' pods with them.
    expect(c.list("pods", "default")).toHaveLength(3);
  });

  it("keeps no timer between runs: the index holds the next run and the trigger fires it", () => {
    const c = batchCluster(undefined, { start: START });
    c.apply(hello());
    c.advance(90_000, invariants());
    expect(jobNames(c)).toEqual([jobName("2026-11-25T00:01:00Z")]);
    // The Job has completed: nothing is queued, so the Durable Object would arm no alarm.
    expect(c.store.nextDue()).toBeUndefined();
    expect(c.cronIndex.get("default/hello")).toBe(Date.parse("2026-11-25T00:02:00Z"));
  });

  it("a late trigger still starts the Job, under the schedule time's name", () => {
    const c = batchCluster(undefined, { start: START });
    c.cronTriggerDelayMs = 30_000;
    const created: Record<string, number> = {};
    c.apply(hello());
    c.advance(3 * 60_000, [...invariants(), (cl) => {
      for (const j of cl.list(JOBS, "default")) created[j.metadata.name!] ??= cl.now;
    }]);
    expect(created).toEqual({
      [jobName("2026-11-25T00:01:00Z")]: Date.parse("2026-11-25T00:01:30Z"),
      [jobName("2026-11-25T00:02:00Z")]: Date.parse("2026-11-25T00:02:30Z"),
    });
    expect(cronJobOf(c).status?.lastScheduleTime).toBe("2026-11-25T00:02:00Z");
    expect(c.wakes).toBe(2);
  });

  it("lists a running Job in status.active", () => {
    const c = batchCluster(undefined, { start: START });
    c.apply(hello({}, "sleep 30"));
    c.advance(70_000, invariants());
    const job = c.get(JOBS, jobName("2026-11-25T00:01:00Z"))!;
    expect(cronJobOf(c).status?.active).toEqual([
      { kind: "Job", namespace: "default", name: job.metadata.name, uid: job.metadata.uid, apiVersion: "batch/v1", resourceVersion: expect.any(String) },
    ]);
  });

  it("keeps 1 failed Job (failedJobsHistoryLimit)", () => {
    const c = batchCluster(undefined, { start: START });
    const failing = structuredClone(hello({}, "sleep 1; exit 1")) as any;
    failing.spec.jobTemplate.spec.backoffLimit = 0;
    failing.spec.jobTemplate.spec.template.spec.restartPolicy = "Never";
    c.apply(failing);
    c.advance(4 * 60_000 + 30_000, invariants());
    expect(finished(c, "Failed")).toEqual([jobName("2026-11-25T00:04:00Z")]);
    expect(jobNames(c)).toHaveLength(1);
    expect(cronJobOf(c).status?.lastSuccessfulTime).toBeUndefined();
  });

  it("successfulJobsHistoryLimit 0 keeps no Job but still records lastSuccessfulTime", () => {
    const c = batchCluster(undefined, { start: START });
    c.apply(hello({ successfulJobsHistoryLimit: 0 }));
    const deleted: Record<string, string> = {};
    // The Job goes in the same pass that first sees it complete: remember its completion time.
    const remember = (cl: SimCluster) => {
      for (const j of cl.list(JOBS, "default")) if ((j.status as any)?.completionTime) deleted[j.metadata.name!] = (j.status as any).completionTime;
    };
    c.advance(2 * 60_000 + 30_000, [...invariants(), remember]);
    expect(jobNames(c)).toEqual([]);
    expect(Object.keys(deleted)).toEqual([jobName("2026-11-25T00:01:00Z"), jobName("2026-11-25T00:02:00Z")]);
    expect(cronJobOf(c).status?.lastSuccessfulTime).toBe(deleted[jobName("2026-11-25T00:02:00Z")]);
    expect(eventsFor(c, "hello").map((e) => e.message)).toContain(`Deleted job ${jobName("2026-11-25T00:02:00Z")}`);
  });

  it("Forbid skips a schedule while the previous Job runs, then runs the missed one", () => {
    const c = batchCluster(undefined, { start: START });
    c.apply(hello({ concurrencyPolicy: "Forbid" }, "sleep 150"));
    const overlap = (cl: SimCluster) => {
      const running = cl.list(JOBS, "default").filter((j) => !(j.status as any)?.conditions?.some((x: any) => x.type === "Complete"));
      if (running.length > 1) throw new Error(`Forbid ran ${running.length} Jobs at once`);
    };
    c.advance(3 * 60_000 + 40_000, [...invariants(), overlap]);
    // 00:01 ran until 00:03:31; 00:02 was skipped; 00:03 started late, as soon as 00:01 finished.
    expect(jobNames(c)).toEqual([jobName("2026-11-25T00:01:00Z"), jobName("2026-11-25T00:03:00Z")]);
    expect(eventsFor(c, "hello").find((e) => e.reason === "JobAlreadyActive")).toMatchObject({
      type: "Normal", message: "Not starting job because prior execution is running and concurrency policy is Forbid",
    });
  });

  it("Forbid blocked for 3 minutes records JobAlreadyActive once per minute, not twice", () => {
    const c = batchCluster(undefined, { start: START });
    // A trigger a little late, as the platform's often is (a timer of the controller's own, just
    // after the boundary, would add a second pass before it).
    c.cronTriggerDelayMs = 2_000;
    c.apply(hello({ concurrencyPolicy: "Forbid" }, "sleep 210"));
    const counts: [string, number][] = [];
    const record = (cl: SimCluster) => {
      const count = eventsFor(cl, "hello").find((e) => e.reason === "JobAlreadyActive")?.count ?? 0;
      if (count !== (counts.at(-1)?.[1] ?? 0)) counts.push([new Date(cl.now).toISOString().slice(11, 19), count]);
    };
    c.advance(4 * 60_000 + 20_000, [...invariants(), record]);
    // 00:01 runs until 00:04:32; the schedules of 00:02, 00:03 and 00:04 each find it running, once.
    expect(counts).toEqual([["00:02:02", 1], ["00:03:02", 2], ["00:04:02", 3]]);
    // Each skip moved the index on a minute: the cluster is woken at schedule times, no more.
    expect(c.wakes).toBe(4);
    expect(c.cronIndex.get("default/hello")).toBe(Date.parse("2026-11-25T00:05:00Z"));
    // The running Job's completion brings the pass that starts the most recent skipped schedule
    // (the Job's status changes on the way may each record JobAlreadyActive too, as upstream's do).
    c.advance(20_000, invariants());
    expect(jobNames(c)).toEqual([jobName("2026-11-25T00:01:00Z"), jobName("2026-11-25T00:04:00Z")]);
  });

  it("a schedule missed by startingDeadlineSeconds does not keep the cluster due", () => {
    const c = batchCluster(undefined, { start: START });
    // The trigger comes 30 s after the boundary, past a 10 s deadline: no hourly run can start.
    c.cronTriggerDelayMs = 30_000;
    c.apply(hello({ schedule: "0 * * * *", startingDeadlineSeconds: 10 }));
    c.advance(2 * 60 * 60_000 + 60_000, invariants());
    expect(jobNames(c)).toEqual([]);
    // Woken at 01:00:30 and 02:00:30 only, though no pass wrote the CronJob.
    expect(c.wakes).toBe(2);
    expect(c.cronIndex.get("default/hello")).toBe(Date.parse("2026-11-25T03:00:00Z"));
  });

  it("a changed schedule moves the index, and the next trigger follows it", () => {
    const c = batchCluster(undefined, { start: START });
    c.apply(hello({ schedule: "0 * * * *" }));
    c.settle({ invariants: invariants() });
    expect(c.cronIndex.get("default/hello")).toBe(Date.parse("2026-11-25T01:00:00Z"));
    c.patch("CronJob", "hello", { spec: { schedule: "*/5 * * * *" } });
    expect(c.cronIndex.get("default/hello")).toBe(Date.parse("2026-11-25T00:05:00Z"));
    c.advance(6 * 60_000, invariants());
    expect(jobNames(c)).toEqual([jobName("2026-11-25T00:05:00Z")]);
    expect(c.cronIndex.get("default/hello")).toBe(Date.parse("2026-11-25T00:10:00Z"));
    c.patch("CronJob", "hello", { spec: { suspend: true } });
    expect(c.cronIndex.has("default/hello")).toBe(false);
  });

  it("Replace deletes the running Job and starts the new one", () => {
    const c = batchCluster(undefined, { start: START });
    c.apply(hello({ concurrencyPolicy: "Replace" }, "sleep 150"));
    c.advance(2 * 60_000 + 30_000, invariants());
    expect(jobNames(c)).toEqual([jobName("2026-11-25T00:02:00Z")]);
    expect(cronJobOf(c).status?.active?.map((r) => r.name)).toEqual([jobName("2026-11-25T00:02:00Z")]);
    expect(eventsFor(c, "hello").map((e) => e.message)).toContain(`Deleted job ${jobName("2026-11-25T00:01:00Z")}`);
  });

  it("starts nothing after more than 100 missed schedules, with a TooManyMissedTimes warning", () => {
    const c = batchCluster(undefined, { start: START });
    c.apply(hello());
    // The controller was down for 101.5 minutes.
    c.now += 101 * 60_000 + 30_000;
    c.advance(2 * 60_000, invariants());
    expect(jobNames(c)).toEqual([]);
    const warnings = eventsFor(c, "hello").filter((e) => e.reason === "TooManyMissedTimes");
    // One warning per pass: the one its creation queued (101 missed), then one per scheduled event.
    expect(warnings.map((w) => [w.type, w.message]).sort()).toEqual([101, 102, 103].map((n) => ["Warning", `too many missed start times: ${n}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`]));
  });

  it("with startingDeadlineSeconds only the recent misses count, so it starts again", () => {
    const c = batchCluster(undefined, { start: START });
    c.apply(hello({ startingDeadlineSeconds: 200 }));
    c.now += 101 * 60_000 + 30_000;
    c.advance(1_000, invariants());
    expect(jobNames(c)).toEqual([jobName("2026-11-25T01:41:00Z")]);
    expect(eventsFor(c, "hello").some((e) => e.reason === "TooManyMissedTimes")).toBe(false);
  });

  it("schedules in spec.timeZone and stamps the Job with the local scheduled time", () => {
    const c = batchCluster(undefined, { start: "2026-11-24T23:58:00Z" });
    c.apply(hello({ schedule: "0 9 * * *", timeZone: "Asia/Tokyo" }));
    c.advance(3 * 60_000, invariants());
    const job = c.get(JOBS, jobName("2026-11-25T00:00:00Z"))!;
    expect(job.metadata.annotations?.["batch.kubernetes.io/cronjob-scheduled-timestamp"]).toBe("2026-11-25T09:00:00+09:00");
    expect(nextScheduleTime(cronJobOf(c) as KObject, c.now)).toBe(Date.parse("2026-11-26T00:00:00Z"));
  });

  it("an unknown time zone schedules nothing and says why", () => {
    const c = batchCluster(undefined, { start: START });
    c.apply(hello({ timeZone: "Mars/Olympus" }));
    c.advance(3 * 60_000, invariants());
    expect(jobNames(c)).toEqual([]);
    expect(eventsFor(c, "hello")).toContainEqual({ type: "Warning", reason: "UnknownTimeZone", message: 'invalid timeZone: "Mars/Olympus": unknown time zone Mars/Olympus', count: 1 });
    expect(c.store.nextDue()).toBeUndefined();
    expect(nextScheduleTime(cronJobOf(c) as KObject, c.now)).toBeUndefined();
  });

  it("an unparseable schedule is reported, not retried", () => {
    const c = batchCluster(undefined, { start: START });
    c.apply(hello({ schedule: "0 0 * * 7" }));
    c.settle({ invariants: invariants() });
    expect(eventsFor(c, "hello")).toContainEqual({ type: "Warning", reason: "UnparseableSchedule", message: 'unparseable schedule: "0 0 * * 7" : end of range (7) above maximum (6): 7', count: 1 });
    expect(c.store.nextDue()).toBeUndefined();
  });

  it("suspend stops scheduling; resuming runs the most recent missed schedule", () => {
    const c = batchCluster(undefined, { start: START });
    c.apply(hello({ suspend: true }));
    c.advance(3 * 60_000 + 30_000, invariants());
    expect(jobNames(c)).toEqual([]);
    expect(nextScheduleTime(cronJobOf(c) as KObject, c.now)).toBeUndefined();
    expect(c.cronIndex.has("default/hello")).toBe(false);
    expect(c.wakes).toBe(0);
    c.patch("CronJob", "hello", { spec: { suspend: false } });
    expect(c.cronIndex.get("default/hello")).toBe(Date.parse("2026-11-25T00:04:00Z"));
    c.advance(1_000, invariants());
    expect(jobNames(c)).toEqual([jobName("2026-11-25T00:03:00Z")]);
  });

  it("early and repeated wake-ups are harmless", () => {
    const c = batchCluster(undefined, { start: START });
    c.apply(hello());
    const wakes: number[] = [];
    for (let t = 0; t < 4 * 60_000; t += 7_000) wakes.push(t, t, t + 59_950, t + 60_000);
    for (const t of wakes) c.store.enqueue({ controller: "cronjob", key: "default/hello", due: c.now + t });
    // Repeated and late scheduled events too (the platform delivers at least once).
    const triggers = (cl: SimCluster) => {
      if (cl.now % 60_000 === 0 || cl.now % 60_000 === 45_000) cl.wake();
    };
    c.advance(4 * 60_000 + 30_000, [...invariants(), triggers]);
    const created = eventsFor(c, "hello").filter((e) => e.reason === "SuccessfulCreate");
    expect(created.map((e) => e.message).sort()).toEqual(["00:01", "00:02", "00:03", "00:04"].map((m) => `Created job ${jobName(`2026-11-25T${m}:00Z`)}`));
    expect(created.every((e) => e.count === 1)).toBe(true);
  });

  it("reports when it will next need to run, for the index of due CronJobs", () => {
    const cj = { metadata: { name: "h", creationTimestamp: START }, spec: { schedule: "*/15 * * * *" }, status: {} } as KObject;
    expect(nextScheduleTime(cj, Date.parse("2026-11-25T00:07:00Z"))).toBe(Date.parse("2026-11-25T00:15:00Z"));
    const scheduled = { ...cj, status: { lastScheduleTime: "2026-11-25T00:15:00Z" } };
    expect(nextScheduleTime(scheduled, Date.parse("2026-11-25T00:15:00.100Z"))).toBe(Date.parse("2026-11-25T00:30:00Z"));
    // A schedule it could not act on yet (Forbid) still reports the next time, not the past one.
    expect(nextScheduleTime(cj, Date.parse("2026-11-25T00:31:00Z"))).toBe(Date.parse("2026-11-25T00:45:00Z"));
    expect(nextScheduleTime({ ...cj, spec: { schedule: "0 0 30 2 *" } }, Date.parse(START))).toBeUndefined();
  });

  it("deleting the CronJob takes its Jobs and their pods with it (Background, via the garbage collector)", () => {
    const c = batchCluster(undefined, { start: START });
    c.apply(hello({}, "sleep 30"));
    c.advance(70_000, invariants());
    expect(jobNames(c)).toHaveLength(1);
    c.delete("CronJob", "hello");
    c.settle({ invariants: invariants() });
    expect(jobNames(c)).toEqual([]);
    expect(c.list("pods", "default")).toEqual([]);
  });

  it("reports a Job someone else made for it (kubectl create job --from=cronjob/hello) as unexpected", () => {
    const c = batchCluster(undefined, { start: START });
    c.apply(hello({ suspend: true }));
    c.settle();
    const cj = cronJobOf(c);
    c.apply({
      apiVersion: "batch/v1", kind: "Job",
      metadata: { name: "manual", namespace: "default", annotations: { "cronjob.kubernetes.io/instantiate": "manual" }, ownerReferences: [{ apiVersion: "batch/v1", kind: "CronJob", name: "hello", uid: cj.metadata!.uid!, controller: true }] },
      spec: structuredClone((hello().spec as any).jobTemplate.spec),
    });
    c.settle({ invariants: invariants() });
    expect(eventsFor(c, "hello").find((e) => e.reason === "UnexpectedJob")).toMatchObject({ type: "Warning", message: "Saw a job that the controller did not create or forgot: manual" });
  });
});
