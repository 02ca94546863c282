/**
 * A running container's files at an instant, as a person who execs into it (or a server answering a
 * request) sees them. Layers, later ones winning:
 *   1. the image's own files (userland.ts: nginx's index.html, the bootcamp's server.js…);
 *   2. what the kubelet mounts: /etc/hosts, /etc/hostname, /etc/resolv.conf, the service account token;
 *   3. the container's volumes (ConfigMap, Secret, downward API, projected: environment.ts);
 *   4. what was written since the start, in time order: by the container's own command (behaviour
 *      files), by `kubectl exec` (the instance's `files` in the runtime record), and — through a shared
 *      emptyDir — by the pod's other containers.
 * A restarted container starts again from 1–3: writes outside volumes belong to the instance.
 */
import type { Container, Pod } from "kubernetes-types/core/v1";
import type { Behaviour } from "./behaviour";
import type { PodContext } from "./context";
import type { FileWrite, Instance } from "./record";

export type { FileWrite };
import { userlandOf } from "./userland";
import { parseImage } from "./images";

export interface FileView {
  files: Map<string, string>;
  dirs: Set<string>;
}


const SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
/** What the runtime record keeps of exec writes per instance: the annotation must stay small. */
export const MAX_EXEC_FILE_BYTES = 64 * 1024;

/** The pod's hostname and, with a subdomain, its FQDN (a StatefulSet's web-0.nginx.default.svc.cluster.local). */
export function podHostname(pod: Pod): { hostname: string; fqdn?: string } {
  const hostname = pod.spec?.hostname || pod.metadata?.name || "";
  const subdomain = pod.spec?.subdomain;
  return subdomain ? { hostname, fqdn: `${hostname}.${subdomain}.${pod.metadata?.namespace ?? "default"}.svc.cluster.local` } : { hostname };
}

/** The files the kubelet writes into every container (kubelet_pods.go: managed /etc/hosts, resolv.conf). */
function kubeletFiles(pod: Pod, podIP: string): Record<string, string> {
  const { hostname, fqdn } = podHostname(pod);
  const namespace = pod.metadata?.namespace ?? "default";
  let hosts = "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n";
  hosts += fqdn ? `${podIP}\t${fqdn}\t${hostname}\n` : `${podIP}\t${hostname}\n`;
  const aliases = pod.spec?.hostAliases ?? [];
  if (aliases.length) hosts += `\n# Entries added by HostAliases.\n${aliases.map((a) => `${a.ip}\t${(a.hostnames ?? []).join("\t")}`).join("\n")}\n`;
  const files: Record<string, string> = {
    "/etc/hosts": hosts,
    "/etc/hostname": `${hostname}\n`,
    "/etc/resolv.conf": `search ${namespace}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n`,
  };
  if (pod.spec?.automountServiceAccountToken !== false) {
    const sa = pod.spec?.serviceAccountName || "default";
    const b64 = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    const claims = { aud: ["https://kubernetes.default.svc.cluster.local"], iss: "https://kubernetes.default.svc.cluster.local", sub: `system:serviceaccount:${namespace}:${sa}`, "kubernetes.io": { namespace, pod: { name: pod.metadata?.name, uid: pod.metadata?.uid }, serviceaccount: { name: sa } } };
    files[`${SA_DIR}/token`] = `${b64({ alg: "RS256", kid: "kubeflare" })}.${b64(claims)}.simulated`;
    files[`${SA_DIR}/namespace`] = namespace;
    files[`${SA_DIR}/ca.crt`] = "-----BEGIN CERTIFICATE-----\nMIIBkubeflareSimulatedClusterCA\n-----END CERTIFICATE-----\n";
  }
  return files;
}

/** emptyDir volumes a container mounts: volume name → mount path. */
function sharedMounts(pod: Pod, container: Container): Map<string, string> {
  const emptyDirs = new Set((pod.spec?.volumes ?? []).filter((v) => v.emptyDir).map((v) => v.name));
  return new Map((container.volumeMounts ?? []).filter((m) => emptyDirs.has(m.name) && !m.subPath).map((m) => [m.name, m.mountPath.replace(/\/$/, "")]));
}

/** Writes of one instance, in time order: its own command's, then (interleaved by time) exec's. */
function instanceWrites(ctx: PodContext, name: string, instance: Instance, until: number): FileWrite[] {
  const own = ctx.behaviour(name).files
    .map((f) => ({ at: instance.startedAt + f.at * ctx.secondMs, path: f.path, content: f.exists ? (f.content ?? "") : undefined }))
    .filter((f) => f.at <= until && (instance.finishedAt === undefined || f.at <= instance.finishedAt));
  const exec = (instance.files ?? []).filter((f) => f.at <= until);
  return [...own, ...exec].sort((a, b) => a.at - b.at);
}

/** The files of container `name` at `at` (ms). */
export function fileView(ctx: PodContext, name: string, at: number): FileView {
  const spec = ctx.spec(name).container;
  const land = userlandOf(parseImage(spec.image ?? ""));
  const env = ctx.environment(name);
  const files = new Map<string, string>(Object.entries({ ...land.files, ...kubeletFiles(ctx.pod, ctx.podIP), ...env.files }));
  const dirs = new Set([...land.dirs, ...(spec.volumeMounts ?? []).map((m) => m.mountPath.replace(/\/$/, ""))]);

  const mine = sharedMounts(ctx.pod, spec);
  const writes: FileWrite[] = [];
  for (const other of ctx.specs) {
    const instance = ctx.rec(other.name)?.current;
    if (!instance) continue;
    if (other.name === name) {
      writes.push(...instanceWrites(ctx, name, instance, at));
      continue;
    }
    // What another container wrote into an emptyDir this one mounts too, at this one's mount path.
    for (const [volume, theirPath] of sharedMounts(ctx.pod, other.container)) {
      const ourPath = mine.get(volume);
      if (ourPath === undefined) continue;
      for (const w of instanceWrites(ctx, other.name, instance, at)) {
        if (w.path.startsWith(`${theirPath}/`)) writes.push({ ...w, path: ourPath + w.path.slice(theirPath.length) });
      }
    }
  }
  for (const w of writes.sort((a, b) => a.at - b.at)) {
    if (w.content === undefined) files.delete(w.path);
    else files.set(w.path, w.content);
  }
  return { files, dirs };
}

/**
 * The writes that turn `before` into `after` (an exec's effect), stamped `at`, and the instance's
 * list with them appended — oldest entries dropped past MAX_EXEC_FILE_BYTES.
 */
export function execWrites(before: Map<string, string>, after: Map<string, string | undefined>, at: number): FileWrite[] {
  const writes: FileWrite[] = [];
  for (const [path, content] of after) {
    if (content === before.get(path)) continue;
    if (content === undefined && !before.has(path)) continue;
    writes.push(content === undefined ? { at, path } : { at, path, content });
  }
  return writes;
}

export function appendWrites(existing: FileWrite[] | undefined, added: FileWrite[]): FileWrite[] {
  const all = [...(existing ?? []), ...added];
  let size = all.reduce((n, w) => n + w.path.length + (w.content?.length ?? 0), 0);
  while (size > MAX_EXEC_FILE_BYTES && all.length > 1) {
    const dropped = all.shift()!;
    size -= dropped.path.length + (dropped.content?.length ?? 0);
  }
  return all;
}

/**
 * `behaviour` with what exec wrote into `instance` added to its file changes, so that exec probes
 * (`cat /tmp/healthy`) see a file someone removed or created by hand.
 */
export function withExecWrites(behaviour: Behaviour, instance: Instance, secondMs: number): Behaviour {
  if (!instance.files?.length) return behaviour;
  const exec = instance.files.map((w) => ({ at: (w.at - instance.startedAt) / secondMs, path: w.path, exists: w.content !== undefined }));
  return { ...behaviour, files: [...behaviour.files, ...exec].sort((a, b) => a.at - b.at) };
}
