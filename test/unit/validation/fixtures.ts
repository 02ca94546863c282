/**
 * Tiny frozen fixture builders for validation and defaulting tests, and helpers that run objects
 * through the same path the API server does: defaults, then validation (as create or as update).
 */
import { applyDefaults } from "../../../src/api/defaults";
import type { StatusCause } from "../../../src/api/errors";
import { RESOURCE_TYPES, type ResourceType } from "../../../src/api/resources";
import type { KObject } from "../../../src/api/types";
import { validate } from "../../../src/api/validation";

// Fixtures are plain JSON; tests reach into them freely.
type Obj = KObject & { spec?: any; status?: any; [k: string]: any };

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** A frozen copy of `base` changed by `edit` (the builder's option bag for everything unusual). */
export function changed<T extends Obj>(base: T, edit: (o: any) => void): T {
  const copy = structuredClone(base);
  edit(copy);
  return deepFreeze(copy);
}

export function typeOf(kind: string, group = ""): ResourceType {
  const type = RESOURCE_TYPES.find((t) => t.kind === kind && t.group === group);
  if (!type) throw new Error(`no resource type ${group}/${kind}`);
  return type;
}

/** As created: a defaulted copy (no resourceVersion yet, so create-time defaults apply). */
export function created(type: ResourceType, obj: Obj): Obj {
  const copy = structuredClone(obj);
  applyDefaults(type, copy);
  return copy;
}

/** As stored after create: defaulted, then stamped with resourceVersion "1". */
export function stored(type: ResourceType, obj: Obj): Obj {
  const copy = created(type, obj);
  copy.metadata.resourceVersion = "1";
  return copy;
}

/** Validation of a create, after defaulting. */
export function createErrors(type: ResourceType, obj: Obj): StatusCause[] {
  return validate(type, created(type, obj));
}

/**
 * Validation of an update: `before` is created and stored, `edit` changes a copy of what was stored
 * (as kubectl edit, apply and patch do), and the result is defaulted and validated against it.
 */
export function updateErrors(type: ResourceType, before: Obj, edit: (o: any) => void): StatusCause[] {
  const old = stored(type, before);
  const next = structuredClone(old);
  edit(next);
  applyDefaults(type, next);
  return validate(type, next, old);
}

export const required = (field: string, detail = ""): StatusCause => ({
  reason: "FieldValueRequired", message: detail ? `Required value: ${detail}` : "Required value", field,
});
export const invalid = (field: string, message: string): StatusCause => ({ reason: "FieldValueInvalid", message: `Invalid value: ${message}`, field });
export const unsupported = (field: string, message: string): StatusCause => ({ reason: "FieldValueNotSupported", message: `Unsupported value: ${message}`, field });
export const forbidden = (field: string, detail: string): StatusCause => ({ reason: "FieldValueForbidden", message: `Forbidden: ${detail}`, field });
export const duplicate = (field: string, value: string): StatusCause => ({ reason: "FieldValueDuplicate", message: `Duplicate value: ${value}`, field });
export const notFound = (field: string, value: string): StatusCause => ({ reason: "FieldValueNotFound", message: `Not found: ${value}`, field });

export const DNS1123_SUBDOMAIN = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
export const DNS1123_LABEL = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
export const DNS1035_LABEL = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

const container = (name: string, image: string) => ({ name, image });

export function pod(name: string, opts: { image?: string; containers?: object[]; restartPolicy?: string } = {}): Obj {
  return deepFreeze({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default" },
    spec: {
      containers: opts.containers ?? [container("app", opts.image ?? "nginx:1.25")],
      ...(opts.restartPolicy ? { restartPolicy: opts.restartPolicy } : {}),
    },
  });
}

const template = (labels: Record<string, string>, image = "nginx:1.25", restartPolicy?: string) => ({
  metadata: { labels: { ...labels } },
  spec: { containers: [container("app", image)], ...(restartPolicy ? { restartPolicy } : {}) },
});

export function deployment(
  name: string,
  opts: { replicas?: number; maxSurge?: number | string; maxUnavailable?: number | string; labels?: Record<string, string>; selector?: Record<string, string> | null; image?: string } = {},
): Obj {
  const labels = opts.labels ?? { app: name };
  const rollingUpdate = {
    ...(opts.maxSurge !== undefined ? { maxSurge: opts.maxSurge } : {}),
    ...(opts.maxUnavailable !== undefined ? { maxUnavailable: opts.maxUnavailable } : {}),
  };
  return deepFreeze({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "default" },
    spec: {
      ...(opts.replicas !== undefined ? { replicas: opts.replicas } : {}),
      ...(opts.selector === null ? {} : { selector: { matchLabels: { ...(opts.selector ?? labels) } } }),
      ...(Object.keys(rollingUpdate).length ? { strategy: { type: "RollingUpdate", rollingUpdate } } : {}),
      template: template(labels, opts.image),
    },
  });
}

export function replicaSet(name: string): Obj {
  return deepFreeze({
    apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name, namespace: "default" },
    spec: { selector: { matchLabels: { app: name } }, template: template({ app: name }) },
  });
}

export function daemonSet(name: string, opts: { maxSurge?: number | string; maxUnavailable?: number | string } = {}): Obj {
  return deepFreeze({
    apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name, namespace: "default" },
    spec: {
      selector: { matchLabels: { app: name } },
      ...(opts.maxSurge !== undefined || opts.maxUnavailable !== undefined
        ? { updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: opts.maxSurge, maxUnavailable: opts.maxUnavailable } } }
        : {}),
      template: template({ app: name }),
    },
  });
}

export function statefulSet(name: string, opts: { replicas?: number; serviceName?: string } = {}): Obj {
  return deepFreeze({
    apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name, namespace: "default" },
    spec: {
      serviceName: opts.serviceName ?? name,
      ...(opts.replicas !== undefined ? { replicas: opts.replicas } : {}),
      selector: { matchLabels: { app: name } },
      template: template({ app: name }),
    },
  });
}

export function replicationController(name: string): Obj {
  return deepFreeze({
    apiVersion: "v1", kind: "ReplicationController", metadata: { name, namespace: "default" },
    spec: { template: template({ app: name }) },
  });
}

export function job(name: string, opts: { uid?: string; restartPolicy?: string; completions?: number; parallelism?: number } = {}): Obj {
  return deepFreeze({
    apiVersion: "batch/v1", kind: "Job",
    metadata: { name, namespace: "default", uid: opts.uid ?? "11111111-2222-3333-4444-555555555555" },
    spec: {
      ...(opts.completions !== undefined ? { completions: opts.completions } : {}),
      ...(opts.parallelism !== undefined ? { parallelism: opts.parallelism } : {}),
      template: { spec: { containers: [container("pi", "perl:5.34.0")], restartPolicy: opts.restartPolicy ?? "Never" } },
    },
  });
}

export function cronJob(name: string, opts: { schedule?: string; restartPolicy?: string } = {}): Obj {
  return deepFreeze({
    apiVersion: "batch/v1", kind: "CronJob", metadata: { name, namespace: "default" },
    spec: {
      schedule: opts.schedule ?? "*/1 * * * *",
      jobTemplate: { spec: { template: { spec: { containers: [container("hello", "busybox:1.28")], restartPolicy: opts.restartPolicy ?? "OnFailure" } } } },
    },
  });
}

export function service(name: string, opts: { type?: string; ports?: object[]; clusterIP?: string; selector?: Record<string, string> | null } = {}): Obj {
  return deepFreeze({
    apiVersion: "v1", kind: "Service", metadata: { name, namespace: "default" },
    spec: {
      ...(opts.type ? { type: opts.type } : {}),
      ...(opts.clusterIP ? { clusterIP: opts.clusterIP } : {}),
      ...(opts.selector === null ? {} : { selector: opts.selector ?? { app: name } }),
      ports: opts.ports ?? [{ port: 80 }],
    },
  });
}

export function hpa(name: string, opts: { min?: number; max?: number; metrics?: object[]; behavior?: object } = {}): Obj {
  return deepFreeze({
    apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name, namespace: "default" },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
      ...(opts.min !== undefined ? { minReplicas: opts.min } : {}),
      maxReplicas: opts.max ?? 10,
      ...(opts.metrics ? { metrics: opts.metrics } : {}),
      ...(opts.behavior ? { behavior: opts.behavior } : {}),
    },
  });
}

export function configMap(name: string, data: Record<string, string> = { key: "value" }, immutable?: boolean): Obj {
  return deepFreeze({
    apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "default" }, data,
    ...(immutable !== undefined ? { immutable } : {}),
  });
}

export function secret(name: string, opts: { type?: string; data?: Record<string, string>; stringData?: Record<string, string>; immutable?: boolean } = {}): Obj {
  return deepFreeze({
    apiVersion: "v1", kind: "Secret", metadata: { name, namespace: "default" },
    ...(opts.type ? { type: opts.type } : {}),
    ...(opts.data ? { data: opts.data } : {}),
    ...(opts.stringData ? { stringData: opts.stringData } : {}),
    ...(opts.immutable !== undefined ? { immutable: opts.immutable } : {}),
  });
}
