/** The D1 schema (drizzle): the cluster registry. A cluster's objects live in its Durable Object. */
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const clusters = sqliteTable(
  "clusters",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** SHA-256 of the bearer token, hex. */
    tokenHash: text("token_hash").notNull(),
    nodes: integer("nodes").notNull(),
    createdAt: text("created_at").notNull(),
  },
  // A request without /clusters/{id} in its path (`kubectl get --raw`) finds its cluster by token.
  (t) => [index("clusters_token_hash").on(t.tokenHash)],
);

export type ClusterRow = typeof clusters.$inferSelect;

/**
 * Every revision of every Deployment, written once through the cluster's outbox and kept beyond
 * revisionHistoryLimit, so a rollback can reach a revision whose ReplicaSet is long gone.
 */
export const deploymentRevisions = sqliteTable(
  "deployment_revisions",
  {
    clusterId: text("cluster_id").notNull(),
    namespace: text("namespace").notNull(),
    name: text("name").notNull(),
    revision: integer("revision").notNull(),
    /** The pod template (JSON) without the pod-template-hash label, as `kubectl rollout undo` restores it. */
    template: text("template").notNull(),
    changeCause: text("change_cause"),
    replicas: integer("replicas").notNull(),
    recordedAt: text("recorded_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.clusterId, t.namespace, t.name, t.revision] })],
);

/** When each CronJob next fires: the scheduled event wakes only the clusters with one due. */
export const cronJobSchedule = sqliteTable(
  "cronjob_schedule",
  {
    clusterId: text("cluster_id").notNull(),
    namespace: text("namespace").notNull(),
    name: text("name").notNull(),
    nextRun: integer("next_run").notNull(),
  },
  (t) => [primaryKey({ columns: [t.clusterId, t.namespace, t.name] }), index("cronjob_schedule_next_run").on(t.nextRun)],
);

export type DeploymentRevisionRow = typeof deploymentRevisions.$inferSelect;
