/**
 * Upstream defaulting for every served kind: the generated SetObjectDefaults_* (each kind's
 * SetDefaults_* plus those of everything nested in it, pod templates included), and the few
 * server-side mutations a real cluster applies to every object of a kind (namespace finalizer,
 * Job selector generation, the Pod admission plugins).
 */
import type { ResourceType } from "../resources";
import type { KObject } from "../types";
import { defaultCronJob, defaultJob } from "./batch";
import { defaultHorizontalPodAutoscaler, defaultNamespace, defaultNode, defaultSecret } from "./cluster";
import { defaultPod } from "./pod";
import {
  defaultBinding, defaultIngressClass, defaultLimitRange, defaultNetworkPolicy, defaultPodTemplateObject, defaultPriorityClass,
  defaultResourceQuota,
} from "./policy";
import { defaultEndpointSlice, defaultEndpoints, defaultService } from "./service";
import { defaultPV, defaultPVC, defaultStorageClass } from "./storage";
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultReplicationController, defaultStatefulSet } from "./workloads";

export { preserveAllocatedServiceValues } from "./service";

// The defaulters take kubernetes-types shapes; a KObject is the same JSON. `creating` is true for a
// new object: what upstream does only in PrepareForCreate or in create-time admission waits for it.
type Defaulter = (obj: any, creating: boolean) => void;

const DEFAULTERS: Record<string, Defaulter> = {
  "/Namespace": defaultNamespace,
  "/Node": defaultNode,
  "/Pod": defaultPod,
  "/Service": defaultService,
  "/Endpoints": defaultEndpoints,
  "/Secret": defaultSecret,
  "/PersistentVolume": defaultPV,
  "/PersistentVolumeClaim": defaultPVC,
  "/ReplicationController": defaultReplicationController,
  "apps/DaemonSet": defaultDaemonSet,
  "apps/Deployment": defaultDeployment,
  "apps/ReplicaSet": defaultReplicaSet,
  "apps/StatefulSet": defaultStatefulSet,
  "autoscaling/HorizontalPodAutoscaler": defaultHorizontalPodAutoscaler,
  "batch/CronJob": defaultCronJob,
  "batch/Job": defaultJob,
  "discovery.k8s.io/EndpointSlice": defaultEndpointSlice,
  "storage.k8s.io/StorageClass": defaultStorageClass,
  "/LimitRange": defaultLimitRange,
  "/ResourceQuota": defaultResourceQuota,
  "/PodTemplate": defaultPodTemplateObject,
  "networking.k8s.io/IngressClass": defaultIngressClass,
  "networking.k8s.io/NetworkPolicy": defaultNetworkPolicy,
  "rbac.authorization.k8s.io/RoleBinding": defaultBinding,
  "rbac.authorization.k8s.io/ClusterRoleBinding": defaultBinding,
  "scheduling.k8s.io/PriorityClass": defaultPriorityClass,
};

/** Upstream defaulting (SetDefaults_* / SetObjectDefaults_*) for a stored object, in place on a fresh copy the caller owns. Runs on create and update. */
export function applyDefaults(type: ResourceType, obj: KObject): void {
  // The caller stamps the stored resourceVersion on updates; a new object has none yet.
  const creating = !obj.metadata?.resourceVersion;
  DEFAULTERS[`${type.group}/${type.kind}`]?.(obj, creating);
}
