/**
 * D1 side of each cluster's outbox: Deployment revision history and the CronJob schedule index.
 * Every statement is idempotent, because an outbox row may be flushed more than once.
 */
import { and, asc, eq, lte } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { OutboxEntry } from "../cluster/outbox";
import { cronJobSchedule, deploymentRevisions, type DeploymentRevisionRow } from "./schema";

export class ClusterHistory {
  private readonly db;

  constructor(d1: D1Database, private readonly clusterId: string) {
    this.db = drizzle(d1);
  }

  async apply(entries: OutboxEntry[]): Promise<void> {
    const statements = entries.map((e) => this.statement(e));
    if (statements.length === 0) return;
    await this.db.batch(statements as [(typeof statements)[number], ...(typeof statements)[number][]]);
  }

  private statement(e: OutboxEntry) {
    const cluster = this.clusterId;
    switch (e.kind) {
      case "revision":
        return this.db
          .insert(deploymentRevisions)
          .values({ clusterId: cluster, namespace: e.namespace, name: e.name, revision: e.revision, template: e.template, changeCause: e.changeCause, replicas: e.replicas, recordedAt: e.recordedAt })
          .onConflictDoNothing();
      case "forgetDeployment":
        return this.db.delete(deploymentRevisions).where(and(eq(deploymentRevisions.clusterId, cluster), eq(deploymentRevisions.namespace, e.namespace), eq(deploymentRevisions.name, e.name)));
      case "schedule":
        return this.db
          .insert(cronJobSchedule)
          .values({ clusterId: cluster, namespace: e.namespace, name: e.name, nextRun: e.nextRun })
          .onConflictDoUpdate({ target: [cronJobSchedule.clusterId, cronJobSchedule.namespace, cronJobSchedule.name], set: { nextRun: e.nextRun } });
      case "unschedule":
        return this.db.delete(cronJobSchedule).where(and(eq(cronJobSchedule.clusterId, cluster), eq(cronJobSchedule.namespace, e.namespace), eq(cronJobSchedule.name, e.name)));
    }
  }

  revisions(namespace: string, name: string): Promise<DeploymentRevisionRow[]> {
    return this.db
      .select()
      .from(deploymentRevisions)
      .where(and(eq(deploymentRevisions.clusterId, this.clusterId), eq(deploymentRevisions.namespace, namespace), eq(deploymentRevisions.name, name)))
      .orderBy(asc(deploymentRevisions.revision));
  }

  async revision(namespace: string, name: string, revision: number): Promise<DeploymentRevisionRow | undefined> {
    const rows = await this.db
      .select()
      .from(deploymentRevisions)
      .where(and(eq(deploymentRevisions.clusterId, this.clusterId), eq(deploymentRevisions.namespace, namespace), eq(deploymentRevisions.name, name), eq(deploymentRevisions.revision, revision)))
      .limit(1);
    return rows[0];
  }

  /** Forgets everything of a deleted cluster. */
  async drop(): Promise<void> {
    await this.db.batch([
      this.db.delete(deploymentRevisions).where(eq(deploymentRevisions.clusterId, this.clusterId)),
      this.db.delete(cronJobSchedule).where(eq(cronJobSchedule.clusterId, this.clusterId)),
    ]);
  }
}

/** The clusters with a CronJob due at or before `now`: the only ones the scheduled event wakes. */
export async function clustersWithDueCronJobs(d1: D1Database, now: number): Promise<string[]> {
  const rows = await drizzle(d1)
    .selectDistinct({ clusterId: cronJobSchedule.clusterId })
    .from(cronJobSchedule)
    .where(lte(cronJobSchedule.nextRun, now));
  return rows.map((r) => r.clusterId);
}


