/** The Worker: HTTP (management API and cluster proxy) and the per-minute scheduled event. */
import { app } from "./http/app";
import type { Env } from "./env";

export { ClusterObject } from "./cluster/object";

export default {
  fetch: app.fetch,
  async scheduled(_controller: ScheduledController, _env: Env, _ctx: ExecutionContext): Promise<void> {
    // CronJobs and sandbox expiry run here (see the CronJob controller); nothing is due yet.
  },
} satisfies ExportedHandler<Env>;
