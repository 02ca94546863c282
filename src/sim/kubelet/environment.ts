/**
 * What a container sees of its pod: the environment (Service links, literal values, the downward API,
 * ConfigMap and Secret keys, envFrom) and the files of its mounted volumes (configMap, secret, downwardAPI and
 * projected). Missing required references are reported, as the kubelet's CreateContainerConfigError.
 */
import type { Container, Pod } from "kubernetes-types/core/v1";
import type { Snapshot } from "../../controllers/types";
import { expandK8s } from "./behaviour";

export interface ContainerEnvironment {
  env: Record<string, string>;
  files: Record<string, string>;
  /** `configmap "x" not found` and the like: the container cannot be created. */
  configError?: string;
}

type Data = { data?: Record<string, string>; binaryData?: Record<string, string> };

function decode(b64: string): string {
  try {
    return atob(b64);
  } catch {
    return "";
  }
}

/** A downward API field as the kubelet resolves it (pod fields only; resource fields are numbers we do not model). */
function fieldValue(pod: Pod, path: string): string {
  const meta = pod.metadata ?? {};
  const labelKey = /^metadata\.labels\['(.+)'\]$/.exec(path)?.[1];
  if (labelKey) return meta.labels?.[labelKey] ?? "";
  const annotationKey = /^metadata\.annotations\['(.+)'\]$/.exec(path)?.[1];
  if (annotationKey) return meta.annotations?.[annotationKey] ?? "";
  const status = (pod.status ?? {}) as { podIP?: string; hostIP?: string };
  const values: Record<string, string | undefined> = {
    "metadata.name": meta.name,
    "metadata.namespace": meta.namespace,
    "metadata.uid": meta.uid,
    "spec.nodeName": pod.spec?.nodeName,
    "spec.serviceAccountName": pod.spec?.serviceAccountName ?? "default",
    "status.podIP": status.podIP,
    "status.podIPs": status.podIP,
    "status.hostIP": status.hostIP,
    "status.hostIPs": status.hostIP,
  };
  if (path === "metadata.labels") return Object.entries(meta.labels ?? {}).map(([k, v]) => `${k}="${v}"`).sort().join("\n");
  if (path === "metadata.annotations") return Object.entries(meta.annotations ?? {}).map(([k, v]) => `${k}="${v}"`).sort().join("\n");
  return values[path] ?? "";
}

export function containerEnvironment(pod: Pod, container: Container, snapshot: Snapshot): ContainerEnvironment {
  const namespace = pod.metadata?.namespace ?? "default";
  let configError: string | undefined;
  const lookup = (kind: "configmaps" | "secrets", name: string, optional: boolean | undefined): Data | undefined => {
    const obj = snapshot.get(kind, namespace, name) as Data | undefined;
    if (!obj && !optional && !configError) configError = `${kind === "configmaps" ? "configmap" : "secret"} "${name}" not found`;
    return obj;
  };
  const value = (kind: "configmaps" | "secrets", obj: Data | undefined, key: string): string | undefined => {
    const raw = obj?.data?.[key];
    if (raw === undefined) return kind === "configmaps" && obj?.binaryData?.[key] ? decode(obj.binaryData[key]) : undefined;
    return kind === "secrets" ? decode(raw) : raw;
  };

  // Service links first (kubelet envvars.FromServices, for the Services there when the pod started),
  // so the container's own env overrides them.
  const startedAt = pod.status?.startTime ? Date.parse(pod.status.startTime) : Infinity;
  const env: Record<string, string> = Object.fromEntries(serviceLinks(snapshot, namespace, startedAt, pod.spec?.enableServiceLinks !== false));
  for (const from of container.envFrom ?? []) {
    const kind = from.configMapRef ? "configmaps" : "secrets";
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref?.name) continue;
    const obj = lookup(kind, ref.name, ref.optional);
    for (const key of Object.keys(obj?.data ?? {})) env[`${from.prefix ?? ""}${key}`] = value(kind, obj, key) ?? "";
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = expandK8s(e.value, env);
    else if (e.valueFrom?.fieldRef) env[e.name] = fieldValue(pod, e.valueFrom.fieldRef.fieldPath);
    else if (e.valueFrom?.configMapKeyRef || e.valueFrom?.secretKeyRef) {
      const kind = e.valueFrom.configMapKeyRef ? "configmaps" : "secrets";
      const ref = (e.valueFrom.configMapKeyRef ?? e.valueFrom.secretKeyRef)!;
      const obj = lookup(kind, ref.name ?? "", ref.optional);
      const v = value(kind, obj, ref.key);
      if (obj && v === undefined && !ref.optional && !configError) {
        configError = `couldn't find key ${ref.key} in ${kind === "configmaps" ? "ConfigMap" : "Secret"} ${namespace}/${ref.name}`;
      }
      if (v !== undefined) env[e.name] = v;
    } else if (e.valueFrom?.resourceFieldRef) {
      env[e.name] = "";
    } else env[e.name] = "";
  }

  const files: Record<string, string> = {};
  const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
  for (const mount of container.volumeMounts ?? []) {
    const volume = volumes.get(mount.name);
    if (!volume) continue;
    const dir = mount.mountPath.replace(/\/$/, "");
    const put = (key: string, content: string) => {
      const path = `${dir}/${key}`;
      if (mount.subPath) {
        if (key === mount.subPath) files[dir] = content;
      } else files[path] = content;
    };
    const project = (kind: "configmaps" | "secrets", name: string | undefined, items: readonly { key: string; path: string }[] | undefined) => {
      if (!name) return;
      const obj = snapshot.get(kind, namespace, name) as Data | undefined;
      if (!obj) return; // a missing optional source projects nothing (a required one is a FailedMount we do not model)
      const keys = items ?? Object.keys({ ...(obj.data ?? {}), ...(obj.binaryData ?? {}) }).map((key) => ({ key, path: key }));
      for (const item of keys) {
        const v = value(kind, obj, item.key);
        if (v !== undefined) put(item.path, v);
      }
    };
    if (volume.configMap) project("configmaps", volume.configMap.name, volume.configMap.items);
    if (volume.secret) project("secrets", volume.secret.secretName, volume.secret.items);
    if (volume.downwardAPI) for (const item of volume.downwardAPI.items ?? []) if (item.fieldRef) put(item.path, fieldValue(pod, item.fieldRef.fieldPath));
    for (const source of volume.projected?.sources ?? []) {
      if (source.configMap) project("configmaps", source.configMap.name, source.configMap.items);
      if (source.secret) project("secrets", source.secret.name, source.secret.items);
      for (const item of source.downwardAPI?.items ?? []) if (item.fieldRef) put(item.path, fieldValue(pod, item.fieldRef.fieldPath));
      if (source.serviceAccountToken) put(source.serviceAccountToken.path, "simulated-token");
    }
  }
  return { env, files, configError };
}

/** Docker-link style variables for Services (kubelet envvars.FromServices): `NGINX_SERVICE_HOST` and friends. */
function serviceLinks(snapshot: Snapshot, namespace: string, startedAt: number, all: boolean): [string, string][] {
  // The master service's variables are always there; the namespace's others unless enableServiceLinks is false.
  const master = snapshot.list("services", "default").filter((s) => s.metadata.name === "kubernetes");
  const own = all ? snapshot.list("services", namespace).filter((s) => !(namespace === "default" && s.metadata.name === "kubernetes")) : [];
  const services = [...master, ...own].filter((s) => Date.parse(s.metadata.creationTimestamp ?? "") <= startedAt + 1000);
  const out: [string, string][] = [];
  for (const svc of services) {
    const spec = svc.spec as { clusterIP?: string; ports?: { name?: string; port: number; protocol?: string }[] } | undefined;
    const ip = spec?.clusterIP;
    if (!ip || ip === "None" || !spec?.ports?.length) continue;
    const name = svc.metadata.name!.toUpperCase().replace(/-/g, "_");
    const first = spec.ports[0];
    out.push([`${name}_SERVICE_HOST`, ip], [`${name}_SERVICE_PORT`, String(first.port)]);
    for (const p of spec.ports) if (p.name) out.push([`${name}_SERVICE_PORT_${p.name.toUpperCase().replace(/-/g, "_")}`, String(p.port)]);
    out.push([`${name}_PORT`, `${(first.protocol ?? "TCP").toLowerCase()}://${ip}:${first.port}`]);
    for (const p of spec.ports) {
      const proto = (p.protocol ?? "TCP").toLowerCase();
      const prefix = `${name}_PORT_${p.port}_${proto.toUpperCase()}`;
      out.push([prefix, `${proto}://${ip}:${p.port}`], [`${prefix}_PROTO`, proto], [`${prefix}_PORT`, String(p.port)], [`${prefix}_ADDR`, ip]);
    }
  }
  return out;
}
