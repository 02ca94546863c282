/** The Worker: HTTP (management API and cluster proxy) and the per-minute scheduled event. */
import { app } from "./http/app";
import type { Env } from "./env";
import { wakeDueClusters } from "./http/scheduled";

export { ClusterObject } from "./cluster/object";

export default {
  fetch: app.fetch,
  /** Every minute: wake only the clusters that have a CronJob due (from the D1 index). */
  async scheduled(controller: ScheduledController, env: Env): Promise<void> {
    await wakeDueClusters(env, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env>;
