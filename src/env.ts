import type { ClusterObject } from "./cluster/object";

export interface Env {
  CLUSTERS: DurableObjectNamespace<ClusterObject>;
  DB: D1Database;
  /** "1" enables the benchmark's raw-insert path (set only by `npm run bench`). */
  KUBEFLARE_BENCH?: string;
  /** The default simulation profile of new clusters: "default" or "fast" (tests, benchmark). */
  KUBEFLARE_SIM_PROFILE?: string;
}
