/** A Snapshot read straight from the Store (SQLite in the Durable Object, memory in tests). */
import type { Store } from "../store/types";
import type { Snapshot } from "./types";

export function storeSnapshot(store: Store): Snapshot {
  return {
    get: (resource, namespace, name) => store.get(resource, namespace, name),
    // Pods are the hot kind: served from the in-memory pod index rather than parsed from SQLite.
    list: (resource, namespace) => (resource === "pods" ? store.allPods(namespace) : store.list(resource, namespace).items),
    ownedBy: (resource, uid) => store.ownedBy(resource, uid),
    podsOnNode: (node) => store.podsOnNode(node),
  };
}
