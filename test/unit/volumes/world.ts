/** A small cluster running the PersistentVolume binder, with its safety properties checked each step. */
import type { PersistentVolume, PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1";
import { expect } from "vitest";
import type { KObject } from "../../../src/api/types";
import { ANN_BIND_COMPLETED, claimNamesOf, createVolumeController, PVCS, PVS } from "../../../src/controllers/volumes";
import { DEFAULT_SETTINGS } from "../../../src/sim/settings";
import { namespace, node, STANDARD } from "../services/fixtures";
import { Cluster, type Invariant } from "../services/harness";

export const asClaim = (o: KObject | undefined) => o as unknown as PersistentVolumeClaim;
export const asVolume = (o: KObject | undefined) => o as unknown as PersistentVolume;

/** A volume is bound to at most one claim, and a claim to at most one Bound volume. */
const oneToOne: Invariant = (cluster) => {
  const byVolume = new Map<string, string>();
  for (const c of cluster.list(PVCS).map(asClaim)) {
    if (!c.metadata?.annotations?.[ANN_BIND_COMPLETED] || !c.spec?.volumeName) continue;
    expect(byVolume.get(c.spec.volumeName), `${c.spec.volumeName} bound to two claims`).toBeUndefined();
    byVolume.set(c.spec.volumeName, c.metadata.name!);
  }
  const byClaim = new Map<string, string>();
  for (const v of cluster.list(PVS).map(asVolume)) {
    const uid = v.spec?.claimRef?.uid;
    if (v.status?.phase !== "Bound" || !uid) continue;
    expect(byClaim.get(uid), `claim ${uid} holds two Bound volumes`).toBeUndefined();
    byClaim.set(uid, v.metadata!.name!);
  }
};

/** A Bound claim names its volume, and that volume (while it exists) points back at the claim. */
const boundClaimsPointBothWays: Invariant = (cluster) => {
  for (const c of cluster.list(PVCS).map(asClaim)) {
    if (c.status?.phase !== "Bound") continue;
    expect(c.spec?.volumeName, `${c.metadata?.name} Bound without a volume`).toBeTruthy();
    const v = asVolume(cluster.get(PVS, "", c.spec!.volumeName!));
    if (v) expect(v.spec?.claimRef?.uid).toBe(c.metadata?.uid);
  }
};

/** pvc-protection: a claim a running, scheduled pod uses is never removed; pv-protection: nor a Bound volume. */
const protectionHolds: Invariant = (cluster, step) => {
  for (const { resource, object } of step.removed) {
    if (resource === PVCS) {
      const users = cluster.list("pods", object.metadata.namespace).map((p) => p as unknown as Pod).filter((p) =>
        claimNamesOf(p).includes(object.metadata.name!) && p.spec?.nodeName && p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed");
      expect(users.map((p) => p.metadata?.name), `claim ${object.metadata.name} removed while in use`).toEqual([]);
    }
    if (resource === PVS) expect(asVolume(object).status?.phase, `volume ${object.metadata.name} removed while Bound`).not.toBe("Bound");
  }
};

export const VOLUME_INVARIANTS: Invariant[] = [oneToOne, boundClaimsPointBothWays, protectionHolds];

/** Three nodes, the default namespace and the seeded default StorageClass `standard`, unless `classes` says otherwise. */
export function world(classes: KObject[] = [STANDARD], settings = DEFAULT_SETTINGS): Cluster {
  const c = new Cluster([createVolumeController(settings)], VOLUME_INVARIANTS);
  c.create("namespaces", namespace("default"));
  for (let i = 1; i <= 3; i++) c.create("nodes", node(i));
  for (const sc of classes) c.create("storageclasses.storage.k8s.io", sc);
  return c.settle();
}

export const claimOf = (c: Cluster, name: string) => asClaim(c.get(PVCS, "default", name));
export const volumeOf = (c: Cluster, name: string) => asVolume(c.get(PVS, "", name));
export const reasons = (c: Cluster, name: string) => c.eventsFor(name).map((e) => e.reason);
