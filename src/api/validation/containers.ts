/**
 * Containers, as core validation's validateContainers / validateInitContainers /
 * validateContainerCommon: names, images, ports, env, mounts, pull policy, resources, probes,
 * lifecycle hooks and the container security context.
 */
import type {
  Container, ContainerPort, EnvFromSource, EnvVar, LifecycleHandler, Probe, SecurityContext, Volume, VolumeMount,
} from "kubernetes-types/core/v1";
import { type Errors, type Path, duplicate, forbidden, invalid, nonNegative, notFound, notSupported, required } from "./field";
import { jsonValue } from "./govalue";
import {
  isConfigMapKey, isDNS1123Label, isHTTPHeaderName, isRelaxedEnvVarName, isValidID, isValidPortName,
  isValidPortNum, nameIsDNSSubdomain,
} from "./names";
import { validateResourceRequirements } from "./resourcelists";
import { ENV_FIELD_PATHS, validateLocalDescendingPath, validateObjectFieldSelector, validateResourceFieldSelector } from "./volumes";

const PROTOCOLS = ["SCTP", "TCP", "UDP"];

/** What a container check needs to know about the pod around it. */
export interface PodContext {
  volumes: Map<string, Volume>;
  gracePeriod: number | undefined;
  restartPolicy: string | undefined;
  hostUsers: boolean;
}

function validateContainerPorts(ports: ContainerPort[] | undefined, path: Path): Errors {
  const errs: Errors = [];
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const p = path.index(i);
    if (port.name) {
      const msgs = isValidPortName(port.name);
      if (msgs.length) msgs.forEach((msg) => errs.push(invalid(p.child("name"), port.name, msg)));
      else if (names.has(port.name)) errs.push(duplicate(p.child("name"), port.name));
      else names.add(port.name);
    }
    if (!port.containerPort) errs.push(required(p.child("containerPort")));
    else for (const msg of isValidPortNum(port.containerPort)) errs.push(invalid(p.child("containerPort"), port.containerPort, msg));
    if (port.hostPort) for (const msg of isValidPortNum(port.hostPort)) errs.push(invalid(p.child("hostPort"), port.hostPort, msg));
    if (!port.protocol) errs.push(required(p.child("protocol")));
    else if (!PROTOCOLS.includes(port.protocol)) errs.push(notSupported(p.child("protocol"), port.protocol, PROTOCOLS));
  });
  return errs;
}

function validateEnv(vars: EnvVar[] | undefined, path: Path): Errors {
  const errs: Errors = [];
  (vars ?? []).forEach((ev, i) => {
    const p = path.index(i);
    if (!ev.name) errs.push(required(p.child("name")));
    else for (const msg of isRelaxedEnvVarName(ev.name)) errs.push(invalid(p.child("name"), ev.name, msg));
    errs.push(...validateEnvVarValueFrom(ev, p.child("valueFrom")));
  });
  return errs;
}

function validateKeySelector(ref: { name?: string; key?: string }, path: Path): Errors {
  const errs = nameIsDNSSubdomain(ref.name ?? "", false).map((msg) => invalid(path.child("name"), ref.name ?? "", msg));
  if (!ref.key) errs.push(required(path.child("key")));
  else for (const msg of isConfigMapKey(ref.key)) errs.push(invalid(path.child("key"), ref.key, msg));
  return errs;
}

function validateEnvVarValueFrom(ev: EnvVar, path: Path): Errors {
  const from = ev.valueFrom;
  if (!from) return [];
  const errs: Errors = [];
  let sources = 0;
  if (from.fieldRef) {
    sources++;
    errs.push(...validateObjectFieldSelector(from.fieldRef, ENV_FIELD_PATHS, path.child("fieldRef")));
  }
  if (from.resourceFieldRef) {
    sources++;
    errs.push(...validateResourceFieldSelector(from.resourceFieldRef, path.child("resourceFieldRef"), false));
  }
  if (from.configMapKeyRef) {
    sources++;
    errs.push(...validateKeySelector(from.configMapKeyRef, path.child("configMapKeyRef")));
  }
  if (from.secretKeyRef) {
    sources++;
    errs.push(...validateKeySelector(from.secretKeyRef, path.child("secretKeyRef")));
  }
  if (sources === 0) errs.push(invalid(path, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
  else if (ev.value) errs.push(invalid(path, "", "may not be specified when `value` is not empty"));
  else if (sources > 1) errs.push(invalid(path, "", "may not have more than one field specified at a time"));
  return errs;
}

function validateEnvFrom(sources: EnvFromSource[] | undefined, path: Path): Errors {
  const errs: Errors = [];
  (sources ?? []).forEach((ev, i) => {
    const p = path.index(i);
    if (ev.prefix) for (const msg of isRelaxedEnvVarName(ev.prefix)) errs.push(invalid(p.child("prefix"), ev.prefix, msg));
    let count = 0;
    for (const kind of ["configMapRef", "secretRef"] as const) {
      const ref = ev[kind];
      if (!ref) continue;
      count++;
      if (!ref.name) errs.push(required(p.child(kind).child("name")));
      else for (const msg of nameIsDNSSubdomain(ref.name, true)) errs.push(invalid(p.child(kind).child("name"), ref.name, msg));
    }
    if (count === 0) errs.push(invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"));
    else if (count > 1) errs.push(invalid(path, "", "may not have more than one field specified at a time"));
  });
  return errs;
}

function validateVolumeMounts(mounts: VolumeMount[] | undefined, ctr: Container, pod: PodContext, path: Path): Errors {
  const errs: Errors = [];
  const mountPaths = new Set<string>();
  const devices = new Map((ctr.volumeDevices ?? []).map((d) => [d.name, d.devicePath]));
  (mounts ?? []).forEach((m, i) => {
    const p = path.index(i);
    if (!m.name) errs.push(required(p.child("name")));
    if (!pod.volumes.has(m.name)) errs.push(notFound(p.child("name"), m.name ?? ""));
    if (!m.mountPath) errs.push(required(p.child("mountPath")));
    if (mountPaths.has(m.mountPath)) errs.push(invalid(p.child("mountPath"), m.mountPath, "must be unique"));
    mountPaths.add(m.mountPath);
    if (devices.has(m.name)) errs.push(invalid(p.child("name"), m.name, "must not already exist in volumeDevices"));
    if ([...devices.values()].includes(m.mountPath)) errs.push(invalid(p.child("mountPath"), m.mountPath, "must not already exist as a path in volumeDevices"));
    if (m.subPath) errs.push(...validateLocalDescendingPath(m.subPath, path.child("subPath")));
    if (m.subPathExpr) {
      if (m.subPath) errs.push(invalid(p.child("subPathExpr"), m.subPathExpr, "subPathExpr and subPath are mutually exclusive"));
      errs.push(...validateLocalDescendingPath(m.subPathExpr, path.child("subPathExpr")));
    }
    if (m.mountPropagation !== undefined) {
      const modes = ["Bidirectional", "HostToContainer", "None"];
      if (!modes.includes(m.mountPropagation)) errs.push(notSupported(path.child("mountPropagation"), m.mountPropagation, modes));
      else if (m.mountPropagation === "Bidirectional" && !ctr.securityContext?.privileged) {
        errs.push(forbidden(path.child("mountPropagation"), "Bidirectional mount propagation is available only to privileged containers"));
      }
    }
  });
  return errs;
}

function validatePullPolicy(policy: string | undefined, path: Path): Errors {
  const policies = ["Always", "IfNotPresent", "Never"];
  if (!policy) return [required(path)];
  return policies.includes(policy) ? [] : [notSupported(path, policy, policies)];
}

function validateResizePolicy(ctr: Container, pod: PodContext, path: Path): Errors {
  const errs: Errors = [];
  const seen = new Set<string>();
  (ctr.resizePolicy ?? []).forEach((p, i) => {
    if (seen.has(p.resourceName)) errs.push(duplicate(path.index(i), p.resourceName));
    seen.add(p.resourceName);
    if (!p.resourceName) errs.push(required(path));
    else if (p.resourceName !== "cpu" && p.resourceName !== "memory") errs.push(notSupported(path, p.resourceName, ["cpu", "memory"]));
    if (!p.restartPolicy) errs.push(required(path));
    else if (p.restartPolicy !== "NotRequired" && p.restartPolicy !== "RestartContainer") {
      errs.push(notSupported(path, p.restartPolicy, ["NotRequired", "RestartContainer"]));
    }
    if (pod.restartPolicy === "Never" && p.restartPolicy !== "NotRequired") {
      errs.push(invalid(path, p.restartPolicy ?? "", "must be 'NotRequired' when `restartPolicy` is 'Never'"));
    }
  });
  return errs;
}

/** ValidateSecurityContext (container level). */
function validateSecurityContext(sc: SecurityContext | undefined, hostUsers: boolean, path: Path): Errors {
  if (!sc) return [];
  const errs: Errors = [];
  if (typeof sc.runAsUser === "number") for (const msg of isValidID(sc.runAsUser)) errs.push(invalid(path.child("runAsUser"), sc.runAsUser, msg));
  if (typeof sc.runAsGroup === "number") for (const msg of isValidID(sc.runAsGroup)) errs.push(invalid(path.child("runAsGroup"), sc.runAsGroup, msg));
  if (sc.procMount !== undefined) {
    if (sc.procMount !== "Default" && sc.procMount !== "Unmasked") errs.push(notSupported(path.child("procMount"), sc.procMount, ["Default", "Unmasked"]));
    if (hostUsers && sc.procMount === "Unmasked") errs.push(invalid(path.child("procMount"), sc.procMount, "`hostUsers` must be false to use `Unmasked`"));
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, path.child("seccompProfile")));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged) errs.push(invalid(path, jsonValue(sc), "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"));
    if (sc.capabilities?.add?.includes("CAP_SYS_ADMIN")) {
      errs.push(invalid(path, jsonValue(sc), "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"));
    }
  }
  return errs;
}

/** validateSeccompProfileField. */
export function validateSeccompProfile(sp: { type?: string; localhostProfile?: string } | undefined, path: Path): Errors {
  if (!sp) return [];
  const errs: Errors = [];
  const types = ["Localhost", "RuntimeDefault", "Unconfined"];
  if (!sp.type) errs.push(required(path.child("type"), "type is required when seccompProfile is set"));
  else if (!types.includes(sp.type)) errs.push(notSupported(path.child("type"), sp.type, types));
  if (sp.type === "Localhost") {
    if (sp.localhostProfile === undefined) errs.push(required(path.child("localhostProfile"), "must be set when seccomp type is Localhost"));
    else errs.push(...validateLocalDescendingPath(sp.localhostProfile, path.child("localhostProfile")));
  } else if (sp.localhostProfile !== undefined) {
    errs.push(invalid(path.child("localhostProfile"), jsonValue(sp), "can only be set when seccomp type is Localhost"));
  }
  return errs;
}

/** ValidatePortNumOrName for an IntOrString port. */
export function validatePortNumOrName(port: unknown, path: Path): Errors {
  if (typeof port === "string") return isValidPortName(port).map((msg) => invalid(path, port, msg));
  const n = typeof port === "number" ? port : 0;
  return isValidPortNum(n).map((msg) => invalid(path, n, msg));
}

type Handler = LifecycleHandler & { grpc?: Probe["grpc"] };

/** validateHandler: exactly one of exec, httpGet, tcpSocket, grpc (probes) or sleep (hooks). */
function validateHandler(handler: Handler, gracePeriod: number | undefined, path: Path): Errors {
  const errs: Errors = [];
  let count = 0;
  const one = (name: string, check: () => Errors) => {
    if (count > 0) errs.push(forbidden(path.child(name), "may not specify more than 1 handler type"));
    else {
      count++;
      errs.push(...check());
    }
  };
  if (handler.exec) one("exec", () => (handler.exec!.command?.length ? [] : [required(path.child("exec").child("command"))]));
  if (handler.httpGet) {
    one("httpGet", () => {
      const http = handler.httpGet!;
      const p = path.child("httpGet");
      const out: Errors = [];
      if (!http.path) out.push(required(p.child("path")));
      out.push(...validatePortNumOrName(http.port, p.child("port")));
      if (http.scheme !== "HTTP" && http.scheme !== "HTTPS") out.push(notSupported(p.child("scheme"), http.scheme ?? "", ["HTTP", "HTTPS"]));
      for (const h of http.httpHeaders ?? []) for (const msg of isHTTPHeaderName(h.name)) out.push(invalid(p.child("httpHeaders"), h.name, msg));
      return out;
    });
  }
  if (handler.tcpSocket) one("tcpSocket", () => validatePortNumOrName(handler.tcpSocket!.port, path.child("tcpSocket").child("port")));
  if (handler.grpc) one("grpc", () => validatePortNumOrName(handler.grpc!.port, path.child("grpc").child("port")));
  if (handler.sleep) {
    one("sleep", () => {
      const seconds = handler.sleep!.seconds;
      if (gracePeriod !== undefined && (seconds < 0 || seconds > gracePeriod)) {
        return [invalid(path.child("sleep"), seconds, `must be non-negative and less than terminationGracePeriodSeconds (${gracePeriod})`)];
      }
      return [];
    });
  }
  if (count === 0) errs.push(required(path, "must specify a handler type"));
  return errs;
}

function validateProbe(probe: Probe | undefined, gracePeriod: number | undefined, path: Path, kind: "liveness" | "readiness" | "startup"): Errors {
  if (!probe) return [];
  const errs = validateHandler({ exec: probe.exec, httpGet: probe.httpGet, tcpSocket: probe.tcpSocket, grpc: probe.grpc }, gracePeriod, path);
  for (const f of ["initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"] as const) {
    errs.push(...nonNegative(probe[f] ?? 0, path.child(f)));
  }
  const tgps = probe.terminationGracePeriodSeconds;
  if (typeof tgps === "number" && tgps <= 0) errs.push(invalid(path.child("terminationGracePeriodSeconds"), tgps, "must be greater than 0"));
  if (kind !== "readiness" && (probe.successThreshold ?? 0) !== 1) {
    errs.push(invalid(path.child("successThreshold"), probe.successThreshold ?? 0, "must be 1"));
  }
  if (kind === "readiness" && tgps !== undefined) {
    errs.push(invalid(path.child("terminationGracePeriodSeconds"), tgps, "must not be set for readinessProbes"));
  }
  return errs;
}

function validateLifecycleAndProbes(ctr: Container, pod: PodContext, path: Path): Errors {
  const errs: Errors = [];
  if (ctr.lifecycle?.postStart) errs.push(...validateHandler(ctr.lifecycle.postStart, pod.gracePeriod, path.child("lifecycle").child("postStart")));
  if (ctr.lifecycle?.preStop) errs.push(...validateHandler(ctr.lifecycle.preStop, pod.gracePeriod, path.child("lifecycle").child("preStop")));
  errs.push(...validateProbe(ctr.livenessProbe, pod.gracePeriod, path.child("livenessProbe"), "liveness"));
  errs.push(...validateProbe(ctr.readinessProbe, pod.gracePeriod, path.child("readinessProbe"), "readiness"));
  errs.push(...validateProbe(ctr.startupProbe, pod.gracePeriod, path.child("startupProbe"), "startup"));
  return errs;
}

/** validateContainerCommon. */
function validateContainerCommon(ctr: Container, pod: PodContext, path: Path): Errors {
  const errs: Errors = [];
  if (!ctr.name) errs.push(required(path.child("name")));
  else for (const msg of isDNS1123Label(ctr.name)) errs.push(invalid(path.child("name"), ctr.name, msg));
  if (!ctr.image) errs.push(required(path.child("image")));
  const policies = ["File", "FallbackToLogsOnError"];
  if (!ctr.terminationMessagePolicy) errs.push(required(path.child("terminationMessagePolicy")));
  else if (!policies.includes(ctr.terminationMessagePolicy)) {
    errs.push(notSupported(path.child("terminationMessagePolicy"), ctr.terminationMessagePolicy, policies));
  }
  errs.push(...validateContainerPorts(ctr.ports, path.child("ports")));
  errs.push(...validateEnv(ctr.env, path.child("env")));
  errs.push(...validateEnvFrom(ctr.envFrom, path.child("envFrom")));
  errs.push(...validateVolumeMounts(ctr.volumeMounts, ctr, pod, path.child("volumeMounts")));
  errs.push(...validatePullPolicy(ctr.imagePullPolicy, path.child("imagePullPolicy")));
  errs.push(...validateResourceRequirements(ctr.resources, path.child("resources")));
  errs.push(...validateResizePolicy(ctr, pod, path.child("resizePolicy")));
  errs.push(...validateSecurityContext(ctr.securityContext, pod.hostUsers, path.child("securityContext")));
  return errs;
}

/** AccumulateUniqueHostPorts over a set of containers. */
function checkHostPortConflicts(containers: Container[], path: Path): Errors {
  const errs: Errors = [];
  const seen = new Set<string>();
  containers.forEach((ctr, ci) => {
    (ctr.ports ?? []).forEach((port, pi) => {
      if (!port.hostPort) return;
      const key = `${port.protocol ?? ""}/${port.hostIP ?? ""}/${port.hostPort}`;
      if (seen.has(key)) errs.push(duplicate(path.index(ci).child("ports").index(pi).child("hostPort"), key));
      else seen.add(key);
    });
  });
  return errs;
}

/** validateContainers: at least one, unique names. */
export function validateContainers(containers: Container[] | undefined, pod: PodContext, path: Path): Errors {
  if (!containers?.length) return [required(path)];
  const errs: Errors = [];
  const names = new Set<string>();
  containers.forEach((ctr, i) => {
    const p = path.index(i);
    errs.push(...validateContainerCommon(ctr, pod, p));
    if (names.has(ctr.name)) errs.push(duplicate(p.child("name"), ctr.name));
    else names.add(ctr.name);
    errs.push(...validateLifecycleAndProbes(ctr, pod, p));
    if (ctr.restartPolicy !== undefined) errs.push(forbidden(p.child("restartPolicy"), "may not be set for non-init containers"));
  });
  errs.push(...checkHostPortConflicts(containers, path));
  return errs;
}

/** validateInitContainers: names unique across init and regular containers; sidecars may have probes. */
export function validateInitContainers(init: Container[] | undefined, regular: Container[] | undefined, pod: PodContext, path: Path): Errors {
  const errs: Errors = [];
  const names = new Set((regular ?? []).map((c) => c.name));
  (init ?? []).forEach((ctr, i) => {
    const p = path.index(i);
    errs.push(...validateContainerCommon(ctr, pod, p));
    let sidecar = false;
    if (ctr.restartPolicy !== undefined) {
      if (ctr.restartPolicy !== "Always") errs.push(notSupported(p.child("restartPolicy"), ctr.restartPolicy, ["Always"]));
      sidecar = ctr.restartPolicy === "Always";
    }
    if (names.has(ctr.name)) errs.push(duplicate(p.child("name"), ctr.name));
    else if (ctr.name) names.add(ctr.name);
    errs.push(...checkHostPortConflicts([ctr], path));
    if (sidecar) {
      errs.push(...validateLifecycleAndProbes(ctr, pod, p));
    } else {
      const reason = "may not be set for init containers without restartPolicy=Always";
      if (ctr.lifecycle) errs.push(forbidden(p.child("lifecycle"), reason));
      if (ctr.livenessProbe) errs.push(forbidden(p.child("livenessProbe"), reason));
      if (ctr.readinessProbe) errs.push(forbidden(p.child("readinessProbe"), reason));
      if (ctr.startupProbe) errs.push(forbidden(p.child("startupProbe"), reason));
    }
  });
  return errs;
}

/** validateContainerOnlyForPod: a Pod's images may not have surrounding whitespace. */
export function validateImageWhitespace(containers: Container[] | undefined, path: Path): Errors {
  const errs: Errors = [];
  (containers ?? []).forEach((ctr, i) => {
    if (ctr.image && ctr.image !== ctr.image.trim()) {
      errs.push(invalid(path.index(i).child("image"), ctr.image, "must not have leading or trailing whitespace"));
    }
  });
  return errs;
}
