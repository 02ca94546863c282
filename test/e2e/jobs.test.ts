/** The Job and CronJob pages of the Kubernetes docs with the real kubectl (fast simulation profile). */
import { beforeAll, describe, expect, it } from "vitest";
import { kubectl, newCluster, ok, serverUrl, type Cluster, until } from "./helpers";

let cluster: Cluster;

const PI_JOB = `apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  template:
    spec:
      containers:
      - name: pi
        image: perl:5.34.0
        command: ["perl",  "-Mbignum=bpi", "-wle", "print bpi(2000)"]
      restartPolicy: Never
  backoffLimit: 4
`;

const HELLO_CRONJOB = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: hello
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: hello
            image: busybox:1.28
            imagePullPolicy: IfNotPresent
            command:
            - /bin/sh
            - -c
            - date; echo Hello from the Kubernetes cluster
          restartPolicy: OnFailure
`;

const json = async (args: string[]) => JSON.parse(await ok(cluster, [...args, "-o", "json"]));


beforeAll(async () => {
  cluster = await newCluster({ name: "jobs", nodes: 3, simulation: { profile: "fast" } });
});

describe("Jobs", () => {
  it("runs the docs' pi Job to completion and prints 2000 digits", async () => {
    expect(await ok(cluster, ["apply", "-f", "-"], { input: PI_JOB })).toContain("job.batch/pi created");
    expect(await ok(cluster, ["wait", "--for=condition=complete", "job/pi", "--timeout=60s"])).toContain("job.batch/pi condition met");
    expect(await ok(cluster, ["get", "job", "pi"])).toMatch(/^pi\s+Complete\s+1\/1\s+\S+\s+\S+/m);
    const digits = (await ok(cluster, ["logs", "job/pi"])).trim();
    expect(digits.startsWith("3.14159265358979323846")).toBe(true);
    expect(digits.length).toBe(2001);
    const describe = await ok(cluster, ["describe", "job", "pi"]);
    expect(describe).toMatch(/Pods Statuses:\s+0 Active \(0 Ready\) \/ 1 Succeeded \/ 0 Failed/);
  });

  it("completes an Indexed Job with one pod per index", async () => {
    await ok(cluster, ["apply", "-f", "-"], {
      input: "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: indexed\nspec:\n  completions: 3\n  parallelism: 2\n  completionMode: Indexed\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: worker\n        image: busybox\n        command: [\"sh\", \"-c\", \"echo index $JOB_COMPLETION_INDEX\"]\n",
    });
    await ok(cluster, ["wait", "--for=condition=complete", "job/indexed", "--timeout=60s"]);
    const job = await json(["get", "job", "indexed"]);
    expect(job.status).toMatchObject({ succeeded: 3, completedIndexes: "0-2" });
    const pods = (await json(["get", "pods", "-l", "job-name=indexed"])).items as any[];
    expect(pods.map((p) => p.spec.hostname).sort()).toEqual(["indexed-0", "indexed-1", "indexed-2"]);
  });

  it("fails a Job that hits its backoffLimit", async () => {
    await ok(cluster, ["create", "job", "doomed", "--image=busybox", "--", "sh", "-c", "exit 1"]);
    await ok(cluster, ["patch", "job", "doomed", "--type=merge", "-p", '{"spec":{"backoffLimit":2}}']);
    await ok(cluster, ["wait", "--for=condition=failed", "job/doomed", "--timeout=60s"]);
    const job = await json(["get", "job", "doomed"]);
    expect(job.status.conditions.find((c: any) => c.type === "Failed")).toMatchObject({ status: "True", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" });
    expect(job.status.failed).toBe(3);
  });
});

/** A CronJob of the docs' shape, every minute, whose Jobs run `command` once (no retries). */
function cronJob(name: string, command: string, spec: Record<string, unknown>): string {
  const extra = Object.entries(spec).map(([k, v]) => `  ${k}: ${v}\n`).join("");
  return `apiVersion: batch/v1
kind: CronJob
metadata:
  name: ${name}
spec:
  schedule: "* * * * *"
${extra}  jobTemplate:
    spec:
      backoffLimit: 0
      template:
        spec:
          containers:
          - name: ${name}
            image: busybox:1.28
            command: ["/bin/sh", "-c", "${command}"]
          restartPolicy: Never
`;
}

// "sleep 86400" outlasts the test even in the fast profile (simulated seconds are scaled down).
const CRONJOBS = [
  HELLO_CRONJOB,
  cronJob("forbid", "sleep 86400", { concurrencyPolicy: "Forbid" }),
  cronJob("replace", "sleep 86400", { concurrencyPolicy: "Replace" }),
  cronJob("keep-one", "date; echo done", { successfulJobsHistoryLimit: 1 }),
  cronJob("keep-none", "date; echo done", { successfulJobsHistoryLimit: 0 }),
  cronJob("no-failed", "exit 1", { failedJobsHistoryLimit: 0 }),
].join("---\n");
const CRONJOB_NAMES = ["hello", "forbid", "replace", "keep-one", "keep-none", "no-failed"];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

/**
 * Every CronJob of this describe is created at once and they share two minute boundaries, so the
 * section costs about two minutes of wall time whatever the number of tests. `minute(k)` waits for
 * the k-th boundary after creation, fires the scheduled event there (as the platform's cron trigger
 * would) and resolves with its time; each boundary is fired once, whichever test asks first.
 */
let createdAt = 0;
const boundaries = new Map<number, Promise<number>>();
function minute(k: 1 | 2): Promise<number> {
  let boundary = boundaries.get(k);
  if (!boundary) {
    boundary = (async () => {
      const at = (Math.floor(createdAt / 60_000) + k) * 60_000;
      await sleep(at - Date.now() + 200);
      const res = await fetch(`${serverUrl()}/__scheduled?cron=${encodeURIComponent("* * * * *")}`);
      if (res.status !== 200) throw new Error(`scheduled event: ${res.status}`);
      if (k === 2) await quietAfterSecondMinute(at);
      return at;
    })();
    boundaries.set(k, boundary);
  }
  return boundary;
}

const jobsOf = async (cronJobName: string) =>
  ((await json(["get", "jobs"])).items as any[]).map((j) => j.metadata.name as string).filter((n) => n.startsWith(`${cronJobName}-`)).sort();

const cronJobEvents = async (name: string) =>
  ((await json(["get", "events", "--field-selector", `involvedObject.kind=CronJob,involvedObject.name=${name}`])).items as any[]).map((e) => `${e.reason}: ${e.message}`);

/**
 * Once every CronJob has acted on the second boundary, suspend them all so a third minute changes
 * nothing while the tests look (slow machines). A CronJob that never acts is left for its test to
 * report, so this waits a bounded time and goes on.
 */
async function quietAfterSecondMinute(at: number): Promise<void> {
  const scheduledAt = async (name: string) => (await json(["get", "cronjob", name])).status.lastScheduleTime === rfc3339(at);
  await until("every CronJob acted on the second minute", async () =>
    (await Promise.all(CRONJOB_NAMES.filter((n) => n !== "forbid").map(scheduledAt))).every(Boolean) &&
    (await cronJobEvents("forbid")).some((e) => e.startsWith("JobAlreadyActive")), 30_000).catch(() => undefined);
  await Promise.all(CRONJOB_NAMES.map((name) =>
    ok(cluster, ["patch", "cronjob", name, "-p", '{"spec":{"suspend":true}}'])));
}

// The tests run concurrently: each checks what the first minute did, then what the second did.
describe.concurrent("CronJobs", () => {
  beforeAll(async () => {
    // Far enough from a minute boundary that every CronJob exists before the first one.
    if (60_000 - (Date.now() % 60_000) < 10_000) await sleep(60_000 - (Date.now() % 60_000) + 100);
    const out = await ok(cluster, ["apply", "-f", "-"], { input: CRONJOBS });
    createdAt = Date.now();
    for (const name of CRONJOB_NAMES) expect(out).toContain(`cronjob.batch/${name} created`);
  });

  it("fires the docs' hello CronJob from the scheduled event, and creates jobs by hand", async ({ expect }) => {
    expect(await ok(cluster, ["get", "cronjob", "hello"])).toMatch(/^hello\s+\* \* \* \* \*\s+<none>\s+False\s+0\s+<none>\s+/m);
    const first = await minute(1);
    const jobName = `hello-${first / 60_000}`;
    await until(`job ${jobName}`, async () => (await kubectl(cluster, ["get", "job", jobName])).code === 0);
    await ok(cluster, ["wait", "--for=condition=complete", `job/${jobName}`, "--timeout=60s"]);
    expect(await ok(cluster, ["logs", `job/${jobName}`])).toMatch(/Hello from the Kubernetes cluster/);
    const cj = await json(["get", "cronjob", "hello"]);
    expect(cj.status.lastScheduleTime).toBe(rfc3339(first));

    expect(await ok(cluster, ["create", "job", "--from=cronjob/hello", "hello-manual"])).toContain("job.batch/hello-manual created");
    await ok(cluster, ["wait", "--for=condition=complete", "job/hello-manual", "--timeout=60s"]);
    const manual = await json(["get", "job", "hello-manual"]);
    expect(manual.metadata.annotations["cronjob.kubernetes.io/instantiate"]).toBe("manual");
  }, 150_000);

  it("concurrencyPolicy Forbid: a schedule that comes while the Job runs starts nothing, with a JobAlreadyActive event", async ({ expect }) => {
    const first = await minute(1);
    const running = `forbid-${first / 60_000}`;
    await until(`${running} running`, async () => (await json(["get", "job", running])).status.active === 1);
    await minute(2);
    await until("the JobAlreadyActive event", async () => (await cronJobEvents("forbid")).some((e) => e.startsWith("JobAlreadyActive")));
    expect(await jobsOf("forbid")).toEqual([running]);
    expect(await ok(cluster, ["get", "job", running])).toMatch(new RegExp(`^${running}\\s+Running\\s+0/1\\s+`, "m"));
    const describe = await ok(cluster, ["describe", "cronjob", "forbid"]);
    expect(describe).toMatch(/^Concurrency Policy:\s+Forbid$/m);
    expect(describe).toMatch(new RegExp(`^Active Jobs:\\s+${running}$`, "m"));
    expect(describe).toMatch(/Normal\s+JobAlreadyActive\s+.+\s+cronjob-controller\s+Not starting job because prior execution is running and concurrency policy is Forbid/);
    // The skipped schedule is not recorded as scheduled.
    expect((await json(["get", "cronjob", "forbid"])).status.lastScheduleTime).toBe(rfc3339(first));
  }, 200_000);

  it("concurrencyPolicy Replace: the next schedule deletes the running Job and starts a new one", async ({ expect }) => {
    const first = await minute(1);
    const old = `replace-${first / 60_000}`;
    await until(`${old} running`, async () => (await json(["get", "job", old])).status.active === 1);
    const second = await minute(2);
    const replacement = `replace-${second / 60_000}`;
    await until(`${old} replaced`, async () => JSON.stringify(await jobsOf("replace")) === JSON.stringify([replacement]));
    await until(`${replacement} running`, async () => (await json(["get", "job", replacement])).status.active === 1);
    const cj = await json(["get", "cronjob", "replace"]);
    expect(cj.status.active.map((r: any) => r.name)).toEqual([replacement]);
    expect(cj.status.lastScheduleTime).toBe(rfc3339(second));
    const events = await cronJobEvents("replace");
    expect(events).toEqual(expect.arrayContaining([`SuccessfulCreate: Created job ${old}`, `SuccessfulDelete: Deleted job ${old}`, `SuccessfulCreate: Created job ${replacement}`]));
    // The replaced Job's pod goes with it (background deletion through the garbage collector).
    await until(`${old}'s pods gone`, async () => (await json(["get", "pods", "-l", `job-name=${old}`])).items.length === 0);
  }, 200_000);

  it("history limits: successfulJobsHistoryLimit 1 keeps the newest Job, 0 keeps none, failedJobsHistoryLimit 0 keeps no failed Job", async ({ expect }) => {
    const first = await minute(1);
    const keepOne1 = `keep-one-${first / 60_000}`;
    await ok(cluster, ["wait", "--for=condition=complete", `job/${keepOne1}`, "--timeout=60s"]);
    expect(await jobsOf("keep-one")).toEqual([keepOne1]);
    const second = await minute(2);
    const keepOne2 = `keep-one-${second / 60_000}`;
    await ok(cluster, ["wait", "--for=condition=complete", `job/${keepOne2}`, "--timeout=60s"]);
    await until(`${keepOne1} deleted`, async () => JSON.stringify(await jobsOf("keep-one")) === JSON.stringify([keepOne2]));
    expect(await cronJobEvents("keep-one")).toContain(`SuccessfulDelete: Deleted job ${keepOne1}`);
    const keepOne = await json(["get", "cronjob", "keep-one"]);
    const newest = await json(["get", "job", keepOne2]);
    expect(keepOne.status.lastSuccessfulTime).toBe(newest.status.completionTime);

    // Limit 0: each Job goes as soon as it completes, but the CronJob still records the success.
    await until("keep-none's Jobs deleted", async () => (await jobsOf("keep-none")).length === 0 && (await cronJobEvents("keep-none")).filter((e) => e.startsWith("SuccessfulDelete")).length === 2);
    const keepNone = await json(["get", "cronjob", "keep-none"]);
    expect(keepNone.status.lastScheduleTime).toBe(rfc3339(second));
    expect(keepNone.status.lastSuccessfulTime).toBeDefined();
    expect(Date.parse(keepNone.status.lastSuccessfulTime)).toBeGreaterThanOrEqual(second);

    const failed = [first, second].map((t) => `no-failed-${t / 60_000}`);
    await until("the failed Jobs deleted", async () => (await jobsOf("no-failed")).length === 0 && (await cronJobEvents("no-failed")).filter((e) => e.startsWith("SuccessfulDelete")).length === 2);
    expect(await cronJobEvents("no-failed")).toEqual(expect.arrayContaining(failed.flatMap((j) => [`SuccessfulCreate: Created job ${j}`, `SuccessfulDelete: Deleted job ${j}`])));
    for (const job of failed) await until(`${job}'s pods gone`, async () => (await json(["get", "pods", "-l", `job-name=${job}`])).items.length === 0);
    const noFailed = await json(["get", "cronjob", "no-failed"]);
    expect(noFailed.status.lastScheduleTime).toBe(rfc3339(second));
    expect(noFailed.status.lastSuccessfulTime).toBeUndefined();
    expect(await ok(cluster, ["get", "cronjob", "no-failed"])).toMatch(/^no-failed\s+\* \* \* \* \*\s+<none>\s+True\s+0\s+\S+\s+/m);
  }, 200_000);
});
