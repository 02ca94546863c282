/** Pod builders for kubelet scenarios: bound to a node as the scheduler leaves them. */
import type { Container, Pod, PodSpec } from "kubernetes-types/core/v1";
import type { KObject } from "../../../src/api/types";

export interface PodOptions {
  node?: string;
  namespace?: string;
  restartPolicy?: "Always" | "OnFailure" | "Never";
  annotations?: Record<string, string>;
  initContainers?: Container[];
  spec?: Partial<PodSpec>;
}

/** A container: `container("nginx:1.14.2")`, `container("busybox", { command: ["sleep", "5"] })`. */
export function container(image: string, extra: Partial<Container> = {}): Container {
  const name = extra.name ?? image.replace(/^.*\//, "").replace(/[:@].*$/, "");
  return { name, image, imagePullPolicy: /:latest$|^[^:]*$/.test(image) ? "Always" : "IfNotPresent", terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File", ...extra };
}

/** A pod bound to `node-1` with PodScheduled=True, as after the scheduler's binding. */
export function pod(name: string, containers: Container[], options: PodOptions = {}): KObject {
  const spec: PodSpec = {
    containers,
    ...(options.initContainers ? { initContainers: options.initContainers } : {}),
    restartPolicy: options.restartPolicy ?? "Always",
    terminationGracePeriodSeconds: 30,
    dnsPolicy: "ClusterFirst",
    schedulerName: "default-scheduler",
    nodeName: options.node ?? "node-1",
    ...options.spec,
  };
  const p: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: options.namespace ?? "default", ...(options.annotations ? { annotations: options.annotations } : {}) },
    spec,
    status: {
      phase: "Pending",
      qosClass: "BestEffort",
      conditions: [{ type: "PodScheduled", status: "True", lastProbeTime: null as unknown as undefined, lastTransitionTime: "2024-05-01T10:00:00Z" }],
    },
  };
  return p as unknown as KObject;
}
