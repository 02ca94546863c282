/**
 * The pod garbage collector's orphan sweep (upstream pkg/controller/podgc gcOrphaned): pods bound
 * to a node that no longer exists are deleted at once (grace period 0): no kubelet is left to stop them.
 */
import { done, keyOf, type Controller } from "./types";

export function createPodGarbageCollector(): Controller {
  return {
    name: "podgc",
    keysFor: (change) => (change.resource === "nodes" && change.type === "DELETED" ? [change.object.metadata.name!] : []),
    reconcile(node, snapshot) {
      if (snapshot.get("nodes", "", node)) return done();
      return done(
        snapshot.podsOnNode(node).flatMap((pod) => [
          { op: "event" as const, involved: pod, type: "Normal" as const, reason: "PodGCOrphaned", message: `Deleting pod ${keyOf(pod)} bound to node ${node} that no longer exists`, component: "pod-garbage-collector" },
          { op: "delete" as const, resource: "pods", namespace: pod.metadata.namespace!, name: pod.metadata.name!, uid: pod.metadata.uid, gracePeriodSeconds: 0 },
        ]),
      );
    },
  };
}
