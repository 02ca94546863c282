/**
 * The Worker's scheduled event: wake the clusters whose CronJobs are due, and only those. It is what
 * fires CronJobs; the controller keeps no timer of its own, so a cluster with CronJobs costs nothing
 * between runs.
 */
import type { Env } from "../env";
import { clustersWithDueCronJobs } from "../tenancy/history";

export async function wakeDueClusters(env: Env, now: number): Promise<string[]> {
  const due = await clustersWithDueCronJobs(env.DB, now);
  await Promise.all(due.map((id) => env.CLUSTERS.get(env.CLUSTERS.idFromName(id)).wake(now)));
  return due;
}
