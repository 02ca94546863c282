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

describe("CronJobs", () => {
  it("fires the docs' hello CronJob from the scheduled event, and creates jobs by hand", async () => {
    expect(await ok(cluster, ["apply", "-f", "-"], { input: HELLO_CRONJOB })).toContain("cronjob.batch/hello created");
    expect(await ok(cluster, ["get", "cronjob", "hello"])).toMatch(/^hello\s+\* \* \* \* \*\s+<none>\s+False\s+0\s+<none>\s+/m);
    // Wait for the minute boundary, then fire the scheduled event as the platform's cron trigger would.
    const nextMinute = Math.ceil(Date.now() / 60_000) * 60_000;
    await new Promise((r) => setTimeout(r, nextMinute - Date.now() + 200));
    expect((await fetch(`${serverUrl()}/__scheduled?cron=${encodeURIComponent("* * * * *")}`)).status).toBe(200);
    const jobName = `hello-${nextMinute / 60_000}`;
    await until(`job ${jobName}`, async () => (await kubectl(cluster, ["get", "job", jobName])).code === 0);
    await ok(cluster, ["wait", "--for=condition=complete", `job/${jobName}`, "--timeout=60s"]);
    expect(await ok(cluster, ["logs", `job/${jobName}`])).toMatch(/Hello from the Kubernetes cluster/);
    const cj = await json(["get", "cronjob", "hello"]);
    expect(cj.status.lastScheduleTime).toBe(new Date(nextMinute).toISOString().replace(".000Z", "Z"));

    expect(await ok(cluster, ["create", "job", "--from=cronjob/hello", "hello-manual"])).toContain("job.batch/hello-manual created");
    await ok(cluster, ["wait", "--for=condition=complete", "job/hello-manual", "--timeout=60s"]);
    const manual = await json(["get", "job", "hello-manual"]);
    expect(manual.metadata.annotations["cronjob.kubernetes.io/instantiate"]).toBe("manual");
  }, 150_000);
});
