/**
 * Validation of every served kind, as upstream's ValidateXxx / ValidateXxxUpdate (plus the REST
 * strategies' extra update checks, such as apps/v1's immutable selectors). Messages, field paths and
 * bad-value renderings follow a 1.33 kube-apiserver so kubectl prints what users know.
 */
import type { StatusCause } from "../errors";
import type { ResourceType } from "../resources";
import type { KObject } from "../types";
import { validateHorizontalPodAutoscaler } from "./autoscaling";
import { validateCronJob, validateJob } from "./batch";
import { validateEvent, validateLease, validateNamespace, validateNode, validatePodDisruptionBudget } from "./cluster";
import { validateConfigMap, validateSecret, validateServiceAccount } from "./config";
import { validateIngress, validateIngressClass, validateNetworkPolicy } from "./networking";
import { validatePod, validatePodUpdate } from "./pod";
import { validateLimitRange, validatePodTemplate, validatePriorityClass, validateResourceQuota } from "./policy";
import { validateClusterRole, validateClusterRoleBinding, validateRole, validateRoleBinding } from "./rbac";
import { validateEndpointSlice, validateEndpoints, validateService } from "./service";
import { validatePersistentVolume, validatePersistentVolumeClaim, validateStorageClass } from "./storage";
import {
  validateControllerRevision, validateDaemonSet, validateDeployment, validateReplicaSet, validateReplicationController,
  validateStatefulSet,
} from "./workloads";

// The validators take kubernetes-types shapes; a KObject is the same JSON.
type Validator = (obj: any, old?: any) => StatusCause[];

const VALIDATORS: Record<string, Validator> = {
  "/Namespace": validateNamespace,
  "/Node": validateNode,
  "/Pod": (pod, old) => (old ? validatePodUpdate(pod, old) : validatePod(pod)),
  "/Service": validateService,
  "/Endpoints": validateEndpoints,
  "/Event": (event) => validateEvent(event, false),
  "events.k8s.io/Event": (event) => validateEvent(event, true),
  "/ConfigMap": validateConfigMap,
  "/Secret": validateSecret,
  "/ServiceAccount": validateServiceAccount,
  "/PersistentVolume": validatePersistentVolume,
  "/PersistentVolumeClaim": validatePersistentVolumeClaim,
  "/ReplicationController": validateReplicationController,
  "apps/ControllerRevision": validateControllerRevision,
  "apps/DaemonSet": validateDaemonSet,
  "apps/Deployment": validateDeployment,
  "apps/ReplicaSet": validateReplicaSet,
  "apps/StatefulSet": validateStatefulSet,
  "autoscaling/HorizontalPodAutoscaler": validateHorizontalPodAutoscaler,
  "batch/CronJob": validateCronJob,
  "batch/Job": validateJob,
  "coordination.k8s.io/Lease": validateLease,
  "discovery.k8s.io/EndpointSlice": validateEndpointSlice,
  "policy/PodDisruptionBudget": validatePodDisruptionBudget,
  "storage.k8s.io/StorageClass": validateStorageClass,
  "/ResourceQuota": validateResourceQuota,
  "/LimitRange": validateLimitRange,
  "/PodTemplate": validatePodTemplate,
  "networking.k8s.io/Ingress": validateIngress,
  "networking.k8s.io/IngressClass": validateIngressClass,
  "networking.k8s.io/NetworkPolicy": validateNetworkPolicy,
  "rbac.authorization.k8s.io/Role": validateRole,
  "rbac.authorization.k8s.io/ClusterRole": validateClusterRole,
  "rbac.authorization.k8s.io/RoleBinding": validateRoleBinding,
  "rbac.authorization.k8s.io/ClusterRoleBinding": validateClusterRoleBinding,
  "scheduling.k8s.io/PriorityClass": validatePriorityClass,
};

/**
 * Upstream ValidateXxx / ValidateXxxUpdate: field errors as Status causes. `old` is the stored object
 * on update (enables immutable-field checks). Returns [] when valid. Identical causes (upstream runs
 * some checks twice on update) are reported once, as its aggregated message does.
 */
export function validate(type: ResourceType, obj: KObject, old?: KObject): StatusCause[] {
  const validator = VALIDATORS[`${type.group}/${type.kind}`];
  if (!validator) return [];
  const seen = new Set<string>();
  return validator(obj, old).filter((cause) => {
    const key = `${cause.reason}\u0000${cause.field ?? ""}\u0000${cause.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
