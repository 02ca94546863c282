/**
 * What a cluster tells D1 about its changes: every Deployment revision (from the ReplicaSets the
 * Deployment controller stamps with `deployment.kubernetes.io/revision`) and when each CronJob next
 * fires. Pure: changes in, entries out.
 */
import { rfc3339 } from "../api/time";
import type { KObject } from "../api/types";
import { nextScheduleTime } from "../controllers/cronjob";
import type { Change } from "../store/types";

export type OutboxEntry =
  | { kind: "revision"; namespace: string; name: string; revision: number; template: string; changeCause: string | null; replicas: number; recordedAt: string }
  | { kind: "forgetDeployment"; namespace: string; name: string }
  | { kind: "schedule"; namespace: string; name: string; nextRun: number }
  | { kind: "unschedule"; namespace: string; name: string };

const REVISION = "deployment.kubernetes.io/revision";
const DESIRED = "deployment.kubernetes.io/desired-replicas";
const CHANGE_CAUSE = "kubernetes.io/change-cause";

/** The pod template as the Deployment had it: the ReplicaSet's, less the pod-template-hash label. */
function deploymentTemplate(rs: KObject): unknown {
  const template = structuredClone((rs.spec as { template?: { metadata?: { labels?: Record<string, string> } } }).template ?? {});
  if (template.metadata?.labels) {
    delete template.metadata.labels["pod-template-hash"];
  }
  return template;
}

function revisionEntry(rs: KObject, now: number): OutboxEntry | undefined {
  const owner = rs.metadata.ownerReferences?.find((r) => r.controller && r.kind === "Deployment");
  const revision = Number(rs.metadata.annotations?.[REVISION]);
  if (!owner || !Number.isInteger(revision) || revision < 1) return undefined;
  return {
    kind: "revision",
    namespace: rs.metadata.namespace!,
    name: owner.name,
    revision,
    template: JSON.stringify(deploymentTemplate(rs)),
    changeCause: rs.metadata.annotations?.[CHANGE_CAUSE] ?? null,
    replicas: Number(rs.metadata.annotations?.[DESIRED] ?? (rs.spec as { replicas?: number }).replicas ?? 0),
    recordedAt: rfc3339(now),
  };
}

/** A CronJob's row in the D1 index of next runs; no next run (suspended, deleted…) takes it out. */
export function scheduleEntry(namespace: string, name: string, nextRun: number | undefined): OutboxEntry {
  return nextRun === undefined ? { kind: "unschedule", namespace, name } : { kind: "schedule", namespace, name, nextRun };
}

export function outboxEntriesFor(changes: Change[], now: number): OutboxEntry[] {
  const entries: OutboxEntry[] = [];
  for (const { type, resource, object, previous } of changes) {
    const { namespace = "", name = "" } = object.metadata;
    if (resource === "replicasets.apps" && type !== "DELETED") {
      // Only a new revision number is news: D1 keeps each (deployment, revision) once.
      if (previous?.metadata.annotations?.[REVISION] === object.metadata.annotations?.[REVISION]) continue;
      const entry = revisionEntry(object, now);
      if (entry) entries.push(entry);
    } else if (resource === "deployments.apps" && type === "DELETED") {
      entries.push({ kind: "forgetDeployment", namespace, name });
    } else if (resource === "cronjobs.batch") {
      entries.push(scheduleEntry(namespace, name, type === "DELETED" ? undefined : nextScheduleTime(object, now)));
    }
  }
  return entries;
}
