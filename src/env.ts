import type { ClusterObject } from "./cluster/object";

export interface Env {
  CLUSTERS: DurableObjectNamespace<ClusterObject>;
  DB: D1Database;
}
