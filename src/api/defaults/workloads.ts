/**
 * apps/v1 and ReplicationController defaulting, as apps/v1's SetDefaults_Deployment,
 * SetDefaults_ReplicaSet, SetDefaults_DaemonSet, SetDefaults_StatefulSet and core/v1's
 * SetDefaults_ReplicationController, each with its pod template's defaults.
 */
import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from "kubernetes-types/apps/v1";
import type { PersistentVolumeClaim, ReplicationController } from "kubernetes-types/core/v1";
import { defaultPodTemplate } from "./podspec";
import { defaultPVC } from "./storage";

/** Deployment: 1 replica, RollingUpdate 25%/25%, 10 old ReplicaSets, 600 s progress deadline. */
export function defaultDeployment(d: Deployment): void {
  const spec = (d.spec ??= {} as NonNullable<Deployment["spec"]>);
  spec.replicas ??= 1;
  const strategy = (spec.strategy ??= {});
  strategy.type ||= "RollingUpdate";
  if (strategy.type === "RollingUpdate") {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= "25%";
    ru.maxSurge ??= "25%";
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  spec.template = defaultPodTemplate(spec.template);
}

/** ReplicaSet: 1 replica (apps/v1 does not copy template labels to the object). */
export function defaultReplicaSet(rs: ReplicaSet): void {
  const spec = (rs.spec ??= {} as NonNullable<ReplicaSet["spec"]>);
  spec.replicas ??= 1;
  spec.template = defaultPodTemplate(spec.template);
}

/** ReplicationController: selector and labels from the template's labels, 1 replica. */
export function defaultReplicationController(rc: ReplicationController): void {
  const spec = (rc.spec ??= {});
  const labels = spec.template?.metadata?.labels;
  if (labels) {
    if (!spec.selector || Object.keys(spec.selector).length === 0) spec.selector = { ...labels };
    const meta = (rc.metadata ??= {});
    if (!meta.labels || Object.keys(meta.labels).length === 0) meta.labels = { ...labels };
  }
  spec.replicas ??= 1;
  // The template is a pointer in RC: no template, no template defaults.
  if (spec.template) defaultPodTemplate(spec.template);
}

/** DaemonSet: RollingUpdate with maxUnavailable 1 and maxSurge 0, 10 old revisions. */
export function defaultDaemonSet(ds: DaemonSet): void {
  const spec = (ds.spec ??= {} as NonNullable<DaemonSet["spec"]>);
  const strategy = (spec.updateStrategy ??= {});
  strategy.type ||= "RollingUpdate";
  if (strategy.type === "RollingUpdate") {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= 1;
    ru.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  spec.template = defaultPodTemplate(spec.template);
}

/**
 * StatefulSet: OrderedReady, RollingUpdate with partition 0, Retain/Retain PVC retention, 1
 * replica, 10 old revisions; claim templates get the claim defaults (and so a Pending phase).
 */
export function defaultStatefulSet(sts: StatefulSet): void {
  const spec = (sts.spec ??= {} as NonNullable<StatefulSet["spec"]>);
  spec.podManagementPolicy ||= "OrderedReady";
  const strategy = (spec.updateStrategy ??= {});
  if (!strategy.type) {
    strategy.type = "RollingUpdate";
    strategy.rollingUpdate ??= {};
  }
  if (strategy.type === "RollingUpdate" && strategy.rollingUpdate) strategy.rollingUpdate.partition ??= 0;
  const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {});
  retention.whenDeleted ||= "Retain";
  retention.whenScaled ||= "Retain";
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  spec.template = defaultPodTemplate(spec.template);
  for (const claim of spec.volumeClaimTemplates ?? []) defaultPVC(claim as PersistentVolumeClaim);
}
