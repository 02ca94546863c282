/** Printers for the controllers' objects, after upstream's printers.go (v1.33). */
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet } from "kubernetes-types/apps/v1";
import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus } from "kubernetes-types/autoscaling/v2";
import type { CronJob, Job } from "kubernetes-types/batch/v1";
import type { ReplicationController } from "kubernetes-types/core/v1";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import { formatLabels, formatLabelSelector, labelSelectorString } from "../selectors";
import type { KObject } from "../types";
import { AGE, CONTAINERS, IMAGES, NAME, column, columns, containerCells, wide } from "./columns";
import { humanDuration, parseTime, since } from "./duration";
import type { Printer } from "./types";

/** Replicas the API defaults to 1 when a manifest leaves them out. */
const replicasOf = (spec: { replicas?: number } | undefined) => spec?.replicas ?? 1;
const name = (o: KObject) => o.metadata?.name ?? "";
const age = (o: KObject, now: number) => since(o.metadata?.creationTimestamp, now);

export const deploymentPrinter: Printer = {
  columns: columns(
    NAME,
    column("Ready", "string", "Number of the pod with ready state"),
    column("Up-to-date", "string", "DeploymentStatus.updatedReplicas"),
    column("Available", "string", "DeploymentStatus.availableReplicas"),
    AGE,
    CONTAINERS,
    IMAGES,
    column("Selector", "string", "DeploymentSpec.selector", wide),
  ),
  cells(obj, { now }) {
    const d = obj as unknown as Deployment;
    let selector: string;
    try {
      selector = labelSelectorString(d.spec?.selector);
    } catch {
      selector = "<invalid>";
    }
    const [containers, images] = containerCells(d.spec?.template);
    const status = d.status ?? {};
    return [
      name(obj), `${status.readyReplicas ?? 0}/${replicasOf(d.spec)}`, status.updatedReplicas ?? 0, status.availableReplicas ?? 0,
      age(obj, now), containers, images, selector,
    ];
  },
};

export const replicaSetPrinter: Printer = {
  columns: columns(
    NAME,
    column("Desired", "integer", "ReplicaSetSpec.replicas"),
    column("Current", "integer", "ReplicaSetStatus.replicas"),
    column("Ready", "integer", "ReplicaSetStatus.readyReplicas"),
    AGE,
    CONTAINERS,
    IMAGES,
    column("Selector", "string", "ReplicaSetSpec.selector", wide),
  ),
  cells(obj, { now }) {
    const rs = obj as unknown as ReplicaSet;
    const [containers, images] = containerCells(rs.spec?.template);
    return [
      name(obj), replicasOf(rs.spec), rs.status?.replicas ?? 0, rs.status?.readyReplicas ?? 0, age(obj, now), containers, images,
      formatLabelSelector(rs.spec?.selector),
    ];
  },
};

export const replicationControllerPrinter: Printer = {
  columns: columns(
    NAME,
    column("Desired", "integer", "ReplicationControllerSpec.replicas"),
    column("Current", "integer", "ReplicationControllerStatus.replicas"),
    column("Ready", "integer", "ReplicationControllerStatus.readyReplicas"),
    AGE,
    CONTAINERS,
    IMAGES,
    column("Selector", "string", "ReplicationControllerSpec.selector", wide),
  ),
  cells(obj, { now }) {
    const rc = obj as unknown as ReplicationController;
    const [containers, images] = containerCells(rc.spec?.template);
    return [
      name(obj), replicasOf(rc.spec), rc.status?.replicas ?? 0, rc.status?.readyReplicas ?? 0, age(obj, now), containers, images,
      formatLabels(rc.spec?.selector),
    ];
  },
};

export const statefulSetPrinter: Printer = {
  columns: columns(NAME, column("Ready", "string", "Number of the pod with ready state"), AGE, CONTAINERS, IMAGES),
  cells(obj, { now }) {
    const sts = obj as unknown as StatefulSet;
    const [containers, images] = containerCells(sts.spec?.template);
    return [name(obj), `${sts.status?.readyReplicas ?? 0}/${replicasOf(sts.spec)}`, age(obj, now), containers, images];
  },
};

export const daemonSetPrinter: Printer = {
  columns: columns(
    NAME,
    column("Desired", "integer", "DaemonSetStatus.desiredNumberScheduled"),
    column("Current", "integer", "DaemonSetStatus.currentNumberScheduled"),
    column("Ready", "integer", "DaemonSetStatus.numberReady"),
    column("Up-to-date", "integer", "DaemonSetStatus.updatedNumberScheduled"),
    column("Available", "integer", "DaemonSetStatus.numberAvailable"),
    column("Node Selector", "string", "PodSpec.nodeSelector"),
    AGE,
    CONTAINERS,
    IMAGES,
    column("Selector", "string", "DaemonSetSpec.selector", wide),
  ),
  cells(obj, { now }) {
    const ds = obj as unknown as DaemonSet;
    const s = ds.status;
    const [containers, images] = containerCells(ds.spec?.template);
    return [
      name(obj),
      s?.desiredNumberScheduled ?? 0,
      s?.currentNumberScheduled ?? 0,
      s?.numberReady ?? 0,
      s?.updatedNumberScheduled ?? 0,
      s?.numberAvailable ?? 0,
      formatLabels(ds.spec?.template?.spec?.nodeSelector),
      age(obj, now),
      containers,
      images,
      formatLabelSelector(ds.spec?.selector),
    ];
  },
};

const hasCondition = (job: Job, type: string) => job.status?.conditions?.find((c) => c.type === type)?.status === "True";

/**
 * printJob's STATUS: a finished job says how it finished; a deleted one "Terminating"; then the
 * in-between conditions (Suspended, FailureTarget, SuccessCriteriaMet); otherwise "Running".
 */
export function jobStatus(job: Job): string {
  if (hasCondition(job, "Complete")) return "Complete";
  if (hasCondition(job, "Failed")) return "Failed";
  if (job.metadata?.deletionTimestamp) return "Terminating";
  for (const type of ["Suspended", "FailureTarget", "SuccessCriteriaMet"]) if (hasCondition(job, type)) return type;
  return "Running";
}

/** COMPLETIONS: "1/3"; without completions, "0/1", or "0/1 of 4" for a parallel work queue. */
export function jobCompletions(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  if (job.spec?.completions != null) return `${succeeded}/${job.spec.completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** DURATION: start to completion, or start to now while running; empty before it starts. */
function jobDuration(job: Job, now: number): string {
  const start = parseTime(job.status?.startTime);
  if (start === undefined) return "";
  const end = parseTime(job.status?.completionTime);
  return humanDuration((end ?? now) - start);
}

export const jobPrinter: Printer = {
  columns: columns(
    NAME,
    column("Status", "string", "Status of the job."),
    column("Completions", "string", "JobStatus.succeeded"),
    column("Duration", "string", "Time required to complete the job."),
    AGE,
    CONTAINERS,
    IMAGES,
    column("Selector", "string", "JobSpec.selector", wide),
  ),
  cells(obj, { now }) {
    const job = obj as unknown as Job;
    const [containers, images] = containerCells(job.spec?.template);
    return [
      name(obj), jobStatus(job), jobCompletions(job), jobDuration(job, now), age(obj, now), containers, images,
      formatLabelSelector(job.spec?.selector),
    ];
  },
};

/** printBoolPtr */
const boolPtr = (v: boolean | undefined) => (v === undefined || v === null ? "<unset>" : v ? "True" : "False");

export const cronJobPrinter: Printer = {
  columns: columns(
    NAME,
    column("Schedule", "string", "CronJobSpec.schedule"),
    column("Timezone", "string", "CronJobSpec.timeZone"),
    column("Suspend", "boolean", "CronJobSpec.suspend"),
    column("Active", "integer", "CronJobStatus.active"),
    column("Last Schedule", "string", "CronJobStatus.lastScheduleTime"),
    AGE,
    CONTAINERS,
    IMAGES,
    column("Selector", "string", "JobSpec.selector", wide),
  ),
  cells(obj, { now }) {
    const cj = obj as unknown as CronJob;
    const last = cj.status?.lastScheduleTime ? since(cj.status.lastScheduleTime, now) : "<none>";
    const jobSpec = cj.spec?.jobTemplate?.spec;
    const [containers, images] = containerCells(jobSpec?.template);
    return [
      name(obj),
      cj.spec?.schedule ?? "",
      cj.spec?.timeZone ?? "<none>",
      boolPtr(cj.spec?.suspend),
      cj.status?.active?.length ?? 0,
      last,
      age(obj, now),
      containers,
      images,
      formatLabelSelector(jobSpec?.selector),
    ];
  },
};

/** Quantity.String() of a possibly missing quantity. */
const quantity = (q: string | number | undefined) => (q === undefined || q === null ? "<nil>" : String(q));

/**
 * One TARGETS entry, "current/target": "cpu: 5%/70%", "cpu: <unknown>/70%", "memory: 10Mi/100Mi",
 * "500m/1 (avg)" for an object metric averaged over pods. Statuses line up with specs by index.
 */
function formatMetric(spec: MetricSpec, status: MetricStatus | undefined): string {
  switch (spec.type) {
    case "External":
    case "Object": {
      const source = spec.type === "External" ? spec.external : spec.object;
      const current = spec.type === "External" ? status?.external : status?.object;
      if (source?.target?.averageValue != null) {
        const value = current?.current?.averageValue != null ? quantity(current.current.averageValue) : "<unknown>";
        return `${value}/${quantity(source.target.averageValue)} (avg)`;
      }
      const value = current ? quantity(current.current?.value) : "<unknown>";
      return `${value}/${quantity(source?.target?.value)}`;
    }
    case "Pods": {
      const value = status?.pods ? quantity(status.pods.current?.averageValue) : "<unknown>";
      return `${value}/${quantity(spec.pods?.target?.averageValue)}`;
    }
    case "Resource":
    case "ContainerResource": {
      const source = spec.type === "Resource" ? spec.resource : spec.containerResource;
      const current = spec.type === "Resource" ? status?.resource : status?.containerResource;
      const metric = source?.name ?? "";
      if (source?.target?.averageValue != null) {
        const value = current ? quantity(current.current?.averageValue) : "<unknown>";
        return `${metric}: ${value}/${quantity(source.target.averageValue)}`;
      }
      const value = current?.current?.averageUtilization != null ? `${current.current.averageUtilization}%` : "<unknown>";
      const target = source?.target?.averageUtilization != null ? `${source.target.averageUtilization}%` : "<auto>";
      return `${metric}: ${value}/${target}`;
    }
    default:
      return "<unknown type>";
  }
}

/** formatHPAMetrics: the first two metrics, then "+ N more...". */
export function formatHPAMetrics(specs: MetricSpec[], statuses: MetricStatus[]): string {
  if (specs.length === 0) return "<none>";
  const shown = specs.slice(0, 2).map((spec, i) => formatMetric(spec, statuses[i]));
  return specs.length > 2 ? `${shown.join(", ")} + ${specs.length - 2} more...` : shown.join(", ");
}

/** An autoscaling/v1 HPA's CPU target, seen as the v2 metric it converts to. */
function metricsOf(hpa: HorizontalPodAutoscaler): [MetricSpec[], MetricStatus[]] {
  const v1 = hpa as unknown as { spec?: { targetCPUUtilizationPercentage?: number }; status?: { currentCPUUtilizationPercentage?: number } };
  if (hpa.spec?.metrics || v1.spec?.targetCPUUtilizationPercentage == null) return [hpa.spec?.metrics ?? [], hpa.status?.currentMetrics ?? []];
  const target = { type: "Utilization", averageUtilization: v1.spec.targetCPUUtilizationPercentage };
  const spec: MetricSpec = { type: "Resource", resource: { name: "cpu", target } };
  const current = v1.status?.currentCPUUtilizationPercentage;
  const status: MetricStatus[] = current == null ? [] : [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: current } } }];
  return [[spec], status];
}

export const horizontalPodAutoscalerPrinter: Printer = {
  columns: columns(
    NAME,
    column("Reference", "string", "HorizontalPodAutoscalerSpec.scaleTargetRef"),
    column("Targets", "string", "HorizontalPodAutoscalerSpec.metrics"),
    column("MinPods", "string", "HorizontalPodAutoscalerSpec.minReplicas"),
    column("MaxPods", "string", "HorizontalPodAutoscalerSpec.maxReplicas"),
    column("Replicas", "string", "HorizontalPodAutoscalerStatus.currentReplicas"),
    AGE,
  ),
  cells(obj, { now }) {
    const hpa = obj as unknown as HorizontalPodAutoscaler;
    const ref = hpa.spec?.scaleTargetRef;
    const [specs, statuses] = metricsOf(hpa);
    const min = hpa.spec?.minReplicas;
    return [
      name(obj),
      `${ref?.kind ?? ""}/${ref?.name ?? ""}`,
      formatHPAMetrics(specs, statuses),
      min == null ? "<unset>" : String(min),
      hpa.spec?.maxReplicas ?? 0,
      hpa.status?.currentReplicas ?? 0,
      age(obj, now),
    ];
  },
};

/** CONTROLLER: the controlling owner as "daemonset.apps/agent", "<none>" without one. */
function controllerOf(obj: KObject): string {
  const ref = obj.metadata?.ownerReferences?.find((r) => r.controller === true);
  if (!ref) return "<none>";
  const group = ref.apiVersion?.includes("/") ? ref.apiVersion.split("/")[0] : "";
  if (!ref.kind && !group) return ref.name;
  return `${(group ? `${ref.kind}.${group}` : ref.kind).toLowerCase()}/${ref.name}`;
}

export const controllerRevisionPrinter: Printer = {
  columns: columns(
    NAME,
    column("Controller", "string", "Controller of the object"),
    column("Revision", "string", "ControllerRevision.revision"),
    AGE,
  ),
  cells: (obj, { now }) => [name(obj), controllerOf(obj), (obj as unknown as ControllerRevision).revision ?? 0, age(obj, now)],
};

/** An IntOrString as written: 2 → "2", "50%" → "50%"; "N/A" when unset. */
const intOrString = (v: number | string | undefined) => (v === undefined || v === null ? "N/A" : String(v));

export const podDisruptionBudgetPrinter: Printer = {
  columns: columns(
    NAME,
    column("Min Available", "string", "The minimum number of pods that must be available."),
    column("Max Unavailable", "string", "The maximum number of pods that may be unavailable."),
    column("Allowed Disruptions", "integer", "Calculated number of pods that may be disrupted at this time."),
    AGE,
  ),
  cells(obj, { now }) {
    const pdb = obj as unknown as PodDisruptionBudget;
    const s = pdb.spec;
    return [name(obj), intOrString(s?.minAvailable), intOrString(s?.maxUnavailable), pdb.status?.disruptionsAllowed ?? 0, age(obj, now)];
  },
};
