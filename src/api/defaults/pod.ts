/**
 * What a Pod (not a template) gets on top of the pod spec defaults: core/v1's SetDefaults_Pod
 * (requests from limits, resize policies, enableServiceLinks, hostNetwork host ports) and the
 * mutating admission plugins every cluster runs that need nothing but the pod: ServiceAccount
 * (serviceAccountName "default") and DefaultTolerationSeconds (not-ready/unreachable 300s).
 * The ServiceAccount plugin's token volume is not added here: its name needs a random suffix.
 * Priority and LimitRanger read other objects, so they run as admission (api/admission.ts).
 */
import type { Container, Pod, PodSpec, Toleration } from "kubernetes-types/core/v1";
import { defaultPodSpec } from "./podspec";

/** Requests default to limits for resources that have only a limit. */
function requestsFromLimits(c: Container): void {
  const limits = c.resources?.limits;
  if (!limits) return;
  const requests = (c.resources!.requests ??= {});
  for (const [name, value] of Object.entries(limits)) if (!(name in requests)) requests[name] = value;
}

/** InPlacePodVerticalScaling (beta, on in 1.33): cpu and memory requests get a NotRequired resize policy. */
function defaultResizePolicy(c: Container): void {
  const requests = c.resources?.requests;
  if (!requests) return;
  const specified = new Set((c.resizePolicy ?? []).map((p) => p.resourceName));
  for (const name of ["cpu", "memory"]) {
    if (name in requests && !specified.has(name)) (c.resizePolicy ??= []).push({ resourceName: name, restartPolicy: "NotRequired" });
  }
}

/** With host networking every container port is a host port. */
function defaultHostNetworkPorts(containers: Container[] | undefined): void {
  for (const c of containers ?? []) for (const p of c.ports ?? []) if (!p.hostPort) p.hostPort = p.containerPort;
}

/** DefaultTolerationSeconds admission: tolerate not-ready and unreachable nodes for 300 s unless the pod says otherwise. */
function defaultTolerations(spec: PodSpec): void {
  const tolerates = (key: string) =>
    (spec.tolerations ?? []).some((t) => (!t.key || t.key === key) && (!t.effect || t.effect === "NoExecute"));
  for (const key of ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]) {
    if (tolerates(key)) continue;
    const toleration: Toleration = { key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 };
    (spec.tolerations ??= []).push(toleration);
  }
}

/** SetDefaults_Pod, and on create the admission plugins' mutations. */
export function defaultPod(pod: Pod, creating: boolean): void {
  const spec = (pod.spec ??= {} as PodSpec);
  // The ServiceAccount admission plugin runs before defaulting mirrors the deprecated field.
  if (creating && !spec.serviceAccountName && !spec.serviceAccount) spec.serviceAccountName = "default";
  defaultPodSpec(spec);
  for (const c of spec.containers ?? []) {
    requestsFromLimits(c);
    defaultResizePolicy(c);
  }
  for (const c of spec.initContainers ?? []) requestsFromLimits(c);
  spec.enableServiceLinks ??= true;
  if (spec.hostNetwork) {
    defaultHostNetworkPorts(spec.containers);
    defaultHostNetworkPorts(spec.initContainers);
  }
  if (!creating) return;
  defaultTolerations(spec);
}
