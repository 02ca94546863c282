/** The pod spec as the kubelet reads it: containers in start order and their restart rules. */
import type { Container, Pod } from "kubernetes-types/core/v1";

export interface ContainerSpec {
  container: Container;
  name: string;
  /** A regular init container (runs to completion before the next). */
  init: boolean;
  /** A restartable init container (`restartPolicy: Always`): a sidecar, kept running. */
  sidecar: boolean;
  /** `spec.initContainers{x}` or `spec.containers{x}`, as events' fieldPath. */
  fieldPath: string;
}

/** Init containers (in order), then app containers. */
export function containerSpecs(pod: Pod): ContainerSpec[] {
  const inits = (pod.spec?.initContainers ?? []).map((container) => ({
    container,
    name: container.name,
    init: container.restartPolicy !== "Always",
    sidecar: container.restartPolicy === "Always",
    fieldPath: `spec.initContainers{${container.name}}`,
  }));
  const apps = (pod.spec?.containers ?? []).map((container) => ({
    container,
    name: container.name,
    init: false,
    sidecar: false,
    fieldPath: `spec.containers{${container.name}}`,
  }));
  return [...inits, ...apps];
}

export function restartPolicy(pod: Pod): "Always" | "OnFailure" | "Never" {
  const policy = pod.spec?.restartPolicy;
  return policy === "OnFailure" || policy === "Never" ? policy : "Always";
}

/**
 * kubecontainer.ShouldContainerBeRestarted for a container that exited with `exitCode`: sidecars
 * always; regular init containers on failure unless the pod's policy is Never; app containers per
 * the pod's policy. A container the kubelet killed for a failed probe restarts unless Never.
 */
export function shouldRestart(pod: Pod, spec: ContainerSpec, exitCode: number, killedByProbe: boolean): boolean {
  const policy = restartPolicy(pod);
  if (spec.sidecar) return true;
  if (policy === "Never") return false;
  if (spec.init) return exitCode !== 0;
  if (killedByProbe) return true;
  return policy === "Always" || exitCode !== 0;
}

/** "name_namespace(uid)", as the kubelet's format.Pod prints a pod in messages. */
export function podDescription(pod: Pod): string {
  return `${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})`;
}
