/**
 * Storage defaulting: core/v1's SetDefaults_PersistentVolume (reclaim Retain, Filesystem, phase
 * Pending), SetDefaults_PersistentVolumeClaim(Spec) (Filesystem, phase Pending) and storage/v1's
 * SetDefaults_StorageClass (reclaim Delete, binding Immediate).
 */
import type { PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimSpec } from "kubernetes-types/core/v1";
import type { StorageClass } from "kubernetes-types/storage/v1";
import { defaultResourceList } from "./quantities";

/** SetDefaults_PersistentVolumeClaimSpec (also inside StatefulSet and ephemeral volume claim templates). */
export function defaultPVCSpec(spec: PersistentVolumeClaimSpec): void {
  spec.volumeMode ??= "Filesystem";
  defaultResourceList(spec.resources?.requests);
  defaultResourceList(spec.resources?.limits);
}

/** SetDefaults_PersistentVolumeClaim: a claim (or claim template) starts Pending. */
export function defaultPVC(pvc: PersistentVolumeClaim): void {
  defaultPVCSpec((pvc.spec ??= {}));
  const status = ((pvc as { status?: { phase?: string } }).status ??= {});
  status.phase ||= "Pending";
}

export function defaultPV(pv: PersistentVolume): void {
  const spec = (pv.spec ??= {});
  spec.persistentVolumeReclaimPolicy ||= "Retain";
  spec.volumeMode ??= "Filesystem";
  defaultResourceList(spec.capacity);
  const status = ((pv as { status?: { phase?: string } }).status ??= {});
  status.phase ||= "Pending";
}

export function defaultStorageClass(sc: StorageClass): void {
  sc.reclaimPolicy ??= "Delete";
  sc.volumeBindingMode ??= "Immediate";
}
