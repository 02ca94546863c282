/**
 * Server-side printing: turns objects into the meta.k8s.io/v1 Table `kubectl get` renders. Each kind
 * has upstream's columns (pkg/printers/internalversion); any other kind gets the apiserver's
 * default Name / Created At table. Rows always carry every cell, `-o wide` ones included, as the
 * apiserver prints wide and kubectl hides priority-1 columns itself.
 */
import type { ResourceType } from "../resources";
import type { KObject } from "../types";
import {
  configMapPrinter, endpointSlicePrinter, endpointsPrinter, eventPrinter, leasePrinter, namespacePrinter, nodePrinter,
  persistentVolumeClaimPrinter, persistentVolumePrinter, secretPrinter, serviceAccountPrinter, servicePrinter, storageClassPrinter,
} from "./cluster";
import { NAME, column, columns } from "./columns";
import { podPrinter } from "./pod";
import {
  clusterRoleBindingPrinter, ingressClassPrinter, ingressPrinter, networkPolicyPrinter, podTemplatePrinter, priorityClassPrinter,
  resourceQuotaPrinter, roleBindingPrinter,
} from "./policy";
import type { Printer, Table, TableColumnDefinition, TableOptions, TableRow } from "./types";
import {
  controllerRevisionPrinter, cronJobPrinter, daemonSetPrinter, deploymentPrinter, horizontalPodAutoscalerPrinter, jobPrinter,
  podDisruptionBudgetPrinter, replicaSetPrinter, replicationControllerPrinter, statefulSetPrinter,
} from "./workloads";

export { humanDuration } from "./duration";
export type { Cell, IncludeObject, PartialObjectMetadata, Table, TableColumnDefinition, TableOptions, TableRow, TableRowCondition } from "./types";

/** Printers by "group/Kind". events.k8s.io Events are core Events underneath and print the same. */
const PRINTERS: Record<string, Printer> = {
  "/Pod": podPrinter,
  "/Service": servicePrinter,
  "/Endpoints": endpointsPrinter,
  "/Node": nodePrinter,
  "/Namespace": namespacePrinter,
  "/Event": eventPrinter,
  "/ConfigMap": configMapPrinter,
  "/Secret": secretPrinter,
  "/ServiceAccount": serviceAccountPrinter,
  "/PersistentVolume": persistentVolumePrinter,
  "/PersistentVolumeClaim": persistentVolumeClaimPrinter,
  "/ReplicationController": replicationControllerPrinter,
  "apps/Deployment": deploymentPrinter,
  "apps/ReplicaSet": replicaSetPrinter,
  "apps/StatefulSet": statefulSetPrinter,
  "apps/DaemonSet": daemonSetPrinter,
  "apps/ControllerRevision": controllerRevisionPrinter,
  "batch/Job": jobPrinter,
  "batch/CronJob": cronJobPrinter,
  "autoscaling/HorizontalPodAutoscaler": horizontalPodAutoscalerPrinter,
  "discovery.k8s.io/EndpointSlice": endpointSlicePrinter,
  "events.k8s.io/Event": eventPrinter,
  "policy/PodDisruptionBudget": podDisruptionBudgetPrinter,
  "storage.k8s.io/StorageClass": storageClassPrinter,
  "coordination.k8s.io/Lease": leasePrinter,
  "/ResourceQuota": resourceQuotaPrinter,
  "/PodTemplate": podTemplatePrinter,
  "networking.k8s.io/Ingress": ingressPrinter,
  "networking.k8s.io/IngressClass": ingressClassPrinter,
  "networking.k8s.io/NetworkPolicy": networkPolicyPrinter,
  "rbac.authorization.k8s.io/RoleBinding": roleBindingPrinter,
  "rbac.authorization.k8s.io/ClusterRoleBinding": clusterRoleBindingPrinter,
  "scheduling.k8s.io/PriorityClass": priorityClassPrinter,
};

/** Go's zero time, which is what the default table prints for an object without a creation time. */
const ZERO_TIME = "0001-01-01T00:00:00Z";

/** RFC3339 in UTC with whole seconds, as metav1.Time marshals. */
function rfc3339(value: unknown): string {
  const ms = typeof value === "string" ? Date.parse(value) : NaN;
  return Number.isNaN(ms) ? ZERO_TIME : new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The apiserver's defaultTableConvertor, for kinds without a printer. */
const defaultPrinter: Printer = {
  columns: columns(NAME, column("Created At", "date", "ObjectMeta.creationTimestamp")),
  cells: (obj) => [obj.metadata?.name ?? "", rfc3339(obj.metadata?.creationTimestamp)],
};

const printerFor = (type: ResourceType) => {
  const key = `${type.group}/${type.kind}`;
  return Object.hasOwn(PRINTERS, key) ? PRINTERS[key] : defaultPrinter;
};

/** The columns `kubectl get` shows for a resource type; priority 1 ones only with `-o wide`. */
export function columnDefinitions(type: ResourceType): TableColumnDefinition[] {
  return [...printerFor(type).columns];
}

function rowObject(obj: KObject, include: TableOptions["includeObject"]): Pick<TableRow, "object"> {
  switch (include) {
    case "None":
      return {};
    case "Object":
      return { object: obj };
    case "Metadata":
      return { object: { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata } };
  }
}

/**
 * A Table for a list (or a single object as a list of one). The caller fills metadata with the
 * list's resourceVersion and continue token. Row objects follow includeObject: PartialObjectMetadata
 * for Metadata (what -A, --show-labels and -L read), the object itself for Object (--sort-by).
 */
export function toTable(type: ResourceType, objects: KObject[], opts: TableOptions): Table {
  const printer = printerFor(type);
  const ctx = { now: opts.now };
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: {},
    columnDefinitions: [...printer.columns],
    rows: objects.map((obj) => {
      const conditions = printer.conditions?.(obj);
      return { cells: printer.cells(obj, ctx), ...(conditions ? { conditions } : {}), ...rowObject(obj, opts.includeObject) };
    }),
  };
}
