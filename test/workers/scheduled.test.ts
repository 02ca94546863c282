import { env, exports } from "cloudflare:workers";
import { createScheduledController, runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { wakeDueClusters } from "../../src/http/scheduled";

const origin = "https://kubeflare.test";

async function newCluster() {
  const res = await exports.default.fetch(`${origin}/v1/clusters`, { method: "POST", body: JSON.stringify({ nodes: 1, simulation: { profile: "fast" } }) });
  return (await res.json()) as { id: string; token: string };
}

const cronJob = (name: string, schedule: string) => JSON.stringify({
  apiVersion: "batch/v1",
  kind: "CronJob",
  metadata: { name },
  spec: { schedule, jobTemplate: { spec: { template: { spec: { restartPolicy: "OnFailure", containers: [{ name: "hello", image: "busybox", command: ["date"] }] } } } } },
});

async function scheduleRow(clusterId: string) {
  for (let i = 0; i < 50; i++) {
    const row = await env.DB.prepare("SELECT next_run FROM cronjob_schedule WHERE cluster_id = ?").bind(clusterId).first<{ next_run: number }>();
    if (row) return row;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("the CronJob never reached the D1 index");
}

describe("the scheduled event", () => {
  it("wakes only the clusters whose CronJobs are due", async () => {
    const withCron = await newCluster();
    const idle = await newCluster();
    const create = await exports.default.fetch(`${origin}/clusters/${withCron.id}/apis/batch/v1/namespaces/default/cronjobs`, {
      method: "POST",
      headers: { authorization: `Bearer ${withCron.token}`, "content-type": "application/json" },
      body: cronJob("hello", "* * * * *"),
    });
    expect(create.status).toBe(201);
    const { next_run } = await scheduleRow(withCron.id);
    expect(next_run % 60_000).toBe(0);
    // Before the minute: nobody is due. At it: exactly the cluster with the CronJob.
    expect(await wakeDueClusters(env, next_run - 1)).not.toContain(withCron.id);
    const woken = await wakeDueClusters(env, next_run);
    expect(woken).toContain(withCron.id);
    expect(woken).not.toContain(idle.id);
  });

  it("counts a wake in the woken cluster's summary, and reading the summary is no wake", async () => {
    const withCron = await newCluster();
    const idle = await newCluster();
    const summary = async (c: { id: string; token: string }) =>
      (await (await exports.default.fetch(`${origin}/v1/clusters/${c.id}`, { headers: { authorization: `Bearer ${c.token}` } })).json()) as { activity: { wakes: number } };
    await exports.default.fetch(`${origin}/clusters/${withCron.id}/apis/batch/v1/namespaces/default/cronjobs`, {
      method: "POST",
      headers: { authorization: `Bearer ${withCron.token}`, "content-type": "application/json" },
      body: cronJob("tick", "* * * * *"),
    });
    const { next_run } = await scheduleRow(withCron.id);
    expect((await summary(withCron)).activity.wakes).toBe(0);
    await wakeDueClusters(env, next_run);
    expect((await summary(withCron)).activity.wakes).toBe(1);
    expect((await summary(idle)).activity.wakes).toBe(0);
    expect((await summary(idle)).activity.wakes).toBe(0);
  });

  describe("is the one thing that fires a CronJob", () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    const summary = async (c: { id: string; token: string }) =>
      (await (await exports.default.fetch(`${origin}/v1/clusters/${c.id}`, { headers: { authorization: `Bearer ${c.token}` } })).json()) as {
        alarm: { at: string; for: string[] } | null;
        activity: { wakes: number };
      };

    /** Runs the cluster's alarms, each at its time (moving a faked clock there), until none is armed. */
    async function runAlarmsUntilIdle(c: { id: string; token: string }, fakeClock: boolean) {
      const stub = env.CLUSTERS.get(env.CLUSTERS.idFromName(c.id));
      for (let i = 0; i < 200; i++) {
        const { alarm } = await summary(c);
        if (!alarm) return;
        const at = Date.parse(alarm.at);
        if (fakeClock) vi.setSystemTime(Math.max(Date.now(), at));
        else await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
        await runDurableObjectAlarm(stub);
      }
      throw new Error(`the cluster never went idle: ${JSON.stringify((await summary(c)).alarm)}`);
    }

    /** A cluster with only the docs' hello CronJob, settled: nothing armed until the next run. */
    async function clusterWithCronJob() {
      const cluster = await newCluster();
      await runAlarmsUntilIdle(cluster, false);
      const create = await exports.default.fetch(`${origin}/clusters/${cluster.id}/apis/batch/v1/namespaces/default/cronjobs`, {
        method: "POST",
        headers: { authorization: `Bearer ${cluster.token}`, "content-type": "application/json" },
        body: cronJob("hello", "* * * * *"),
      });
      expect(create.status).toBe(201);
      await runAlarmsUntilIdle(cluster, false);
      // The CronJob's first pass has run and asked for no timer: the cluster sleeps until the trigger.
      expect((await summary(cluster)).alarm).toBeNull();
      const { next_run } = await scheduleRow(cluster.id);
      return { cluster, nextRun: next_run };
    }

    const getJob = (c: { id: string; token: string }, name: string) =>
      exports.default.fetch(`${origin}/clusters/${c.id}/apis/batch/v1/namespaces/default/jobs/${name}`, { headers: { authorization: `Bearer ${c.token}` } });

    /** The Worker's scheduled handler, as the platform's cron trigger calls it. */
    const fire = (scheduledTime: number) => worker.scheduled(createScheduledController({ scheduledTime, cron: "* * * * *" }), env);

    it.each([
      ["a few seconds after the boundary", 3_000],
      ["30 s late", 30_000],
    ])("the scheduled event %s creates the minute's Job, and nothing is armed afterwards", async (_, lateMs) => {
      const { cluster, nextRun } = await clusterWithCronJob();
      const jobName = `hello-${nextRun / 60_000}`;
      // The clock of the Worker and the Durable Object, as when the platform's trigger arrives.
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(nextRun + lateMs);
      expect((await getJob(cluster, jobName)).status).toBe(404);
      await fire(nextRun);
      expect((await summary(cluster)).activity.wakes).toBe(1);
      await runAlarmsUntilIdle(cluster, true);
      const job = (await (await getJob(cluster, jobName)).json()) as { status: { succeeded?: number } };
      expect(job.status.succeeded).toBe(1);
      const cj = (await (await exports.default.fetch(`${origin}/clusters/${cluster.id}/apis/batch/v1/namespaces/default/cronjobs/hello`, { headers: { authorization: `Bearer ${cluster.token}` } })).json()) as any;
      expect(cj.status.lastScheduleTime).toBe(new Date(nextRun).toISOString().replace(".000Z", "Z"));
      // Between runs nothing is armed; the index alone holds the next minute.
      expect((await summary(cluster)).alarm).toBeNull();
      for (let i = 0; i < 50 && (await scheduleRow(cluster.id)).next_run === nextRun; i++) await new Promise((r) => setTimeout(r, 20));
      expect((await scheduleRow(cluster.id)).next_run).toBe(nextRun + 60_000);
      // A repeated trigger for the same minute wakes nobody now.
      expect(await wakeDueClusters(env, nextRun)).not.toContain(cluster.id);
    });
  });
});
