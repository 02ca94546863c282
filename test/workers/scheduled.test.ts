import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
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
});
