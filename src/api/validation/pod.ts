/**
 * Pods, as core validation's ValidatePodCreate and ValidatePodUpdate: a pod's spec is fixed once
 * created except container images, activeDeadlineSeconds (only shortened), added tolerations (and
 * their tolerationSeconds), removed scheduling gates, and terminationGracePeriodSeconds from a
 * negative value to 1.
 */
import type { Pod, PodSpec, Toleration } from "kubernetes-types/core/v1";
import { validateImageWhitespace } from "./containers";
import { specDiff } from "./diff";
import { type Errors, Path, forbidden, invalid, required } from "./field";
import { deepEqual, validateObjectMeta, validateObjectMetaUpdate } from "./meta";
import { inclusiveRangeError, nameIsDNSSubdomain } from "./names";
import { validatePodSpec, validatePodSpecificAnnotations, validateTolerations } from "./podspec";

const MAX_INT32 = 2147483647;

const UPDATABLE_POD_SPEC_FIELDS = [
  "`spec.containers[*].image`",
  "`spec.initContainers[*].image`",
  "`spec.activeDeadlineSeconds`",
  "`spec.tolerations` (only additions to existing tolerations)",
  "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
];

/** validatePodMetadataAndSpec: shared by create and update (metadata is checked as on create both times). */
function validatePodMetadataAndSpec(pod: Pod): Errors {
  const specPath = Path.root("spec");
  const errs = validateObjectMeta(pod.metadata, nameIsDNSSubdomain, Path.root("metadata"));
  errs.push(...validatePodSpecificAnnotations(pod.metadata?.annotations, pod.spec, Path.root("metadata", "annotations")));
  errs.push(...validatePodSpec(pod.spec, specPath, { resourceIsPod: true }));
  if (!pod.spec?.serviceAccountName) {
    (pod.spec?.volumes ?? []).forEach((vol, vi) => {
      (vol.projected?.sources ?? []).forEach((source, si) => {
        if (source.serviceAccountToken) {
          const p = specPath.child("volumes").index(vi).child("projected", "sources").index(si).child("serviceAccountToken");
          errs.push(forbidden(p, "must not be specified when serviceAccountName is not set"));
        }
      });
    });
  }
  errs.push(...validateImageWhitespace(pod.spec?.containers, specPath.child("containers")));
  errs.push(...validateImageWhitespace(pod.spec?.initContainers, specPath.child("initContainers")));
  return errs;
}

/** ValidatePodCreate. */
export function validatePod(pod: Pod): Errors {
  const errs = validatePodMetadataAndSpec(pod);
  const specPath = Path.root("spec");
  if (pod.spec?.ephemeralContainers?.length) errs.push(forbidden(specPath.child("ephemeralContainers"), "cannot be set on create"));
  if (pod.spec?.nodeName && pod.spec.schedulingGates?.length) {
    errs.push(forbidden(specPath.child("nodeName"), "cannot be set until all schedulingGates have been cleared"));
  }
  return errs;
}

/** ValidateContainerUpdates: same number of containers, each with an image. */
function validateContainerUpdates(next: PodSpec["containers"] | undefined, old: PodSpec["containers"] | undefined, path: Path): { errs: Errors; stop: boolean } {
  if ((next ?? []).length !== (old ?? []).length) return { errs: [forbidden(path, "pod updates may not add or remove containers")], stop: true };
  const errs: Errors = [];
  (next ?? []).forEach((ctr, i) => {
    if (!ctr.image) errs.push(required(path.index(i).child("image")));
    if (ctr.image && ctr.image.trim() !== ctr.image) {
      errs.push(invalid(path.index(i).child("image"), ctr.image, "must not have leading or trailing whitespace"));
    }
  });
  return { errs, stop: false };
}

/** validateOnlyAddedTolerations: every old toleration must still be there (tolerationSeconds may change). */
function validateOnlyAddedTolerations(next: Toleration[] | undefined, old: Toleration[] | undefined, path: Path): Errors {
  for (const o of old ?? []) {
    const found = (next ?? []).some((n) => deepEqual({ ...o, tolerationSeconds: n.tolerationSeconds }, n));
    if (!found) return [forbidden(path, "existing toleration can not be modified except its tolerationSeconds")];
  }
  return validateTolerations(next, path);
}

/** ValidatePodUpdate. */
export function validatePodUpdate(pod: Pod, old: Pod): Errors {
  const metaPath = Path.root("metadata");
  const specPath = Path.root("spec");
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata, metaPath);
  errs.push(...validatePodMetadataAndSpec(pod));
  const spec = pod.spec ?? ({} as PodSpec);
  const oldSpec = old.spec ?? ({} as PodSpec);

  for (const field of ["containers", "initContainers"] as const) {
    const result = validateContainerUpdates(spec[field], oldSpec[field], specPath.child(field));
    errs.push(...result.errs);
    if (result.stop) return errs;
  }

  const ads = spec.activeDeadlineSeconds;
  if (ads !== undefined && ads !== null) {
    if (ads < 0 || ads > MAX_INT32) {
      errs.push(invalid(specPath.child("activeDeadlineSeconds"), ads, inclusiveRangeError(0, MAX_INT32)));
      return errs;
    }
    if (typeof oldSpec.activeDeadlineSeconds === "number" && oldSpec.activeDeadlineSeconds < ads) {
      errs.push(invalid(specPath.child("activeDeadlineSeconds"), ads, "must be less than or equal to previous value"));
      return errs;
    }
  } else if (oldSpec.activeDeadlineSeconds !== undefined && oldSpec.activeDeadlineSeconds !== null) {
    errs.push(invalid(specPath.child("activeDeadlineSeconds"), null, "must not update from a positive integer to nil value"));
  }

  errs.push(...validateOnlyAddedTolerations(spec.tolerations, oldSpec.tolerations, specPath.child("tolerations")));

  const oldGates = new Set((oldSpec.schedulingGates ?? []).map((g) => g.name));
  (spec.schedulingGates ?? []).forEach((g, i) => {
    if (!oldGates.has(g.name)) {
      errs.push(forbidden(specPath.child("schedulingGates").index(i).child("name"), `only deletion is allowed, but found new scheduling gate '${g.name}'`));
    }
  });

  if (deepEqual(spec, oldSpec)) return errs;

  // Put the updatable fields back to their old values; anything still different is forbidden.
  const munged: PodSpec = {
    ...spec,
    containers: (spec.containers ?? []).map((c, i) => ({ ...c, image: oldSpec.containers[i]?.image })) as PodSpec["containers"],
    initContainers: spec.initContainers?.map((c, i) => ({ ...c, image: oldSpec.initContainers?.[i]?.image })) as PodSpec["initContainers"],
    activeDeadlineSeconds: oldSpec.activeDeadlineSeconds,
    schedulingGates: oldSpec.schedulingGates,
    tolerations: oldSpec.tolerations,
  };
  if ((oldSpec.terminationGracePeriodSeconds ?? 0) < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = oldSpec.terminationGracePeriodSeconds;
  }
  if (oldSpec.schedulingGates?.length && !deepEqual(munged.nodeSelector, oldSpec.nodeSelector)) {
    // Gated pods may gain nodeSelector entries (KEP-3838); deletions and changes are still forbidden.
    const added = Object.entries(munged.nodeSelector ?? {});
    const keepsOld = Object.entries(oldSpec.nodeSelector ?? {}).every(([k, v]) => munged.nodeSelector?.[k] === v);
    if (keepsOld && added.length >= Object.keys(oldSpec.nodeSelector ?? {}).length) munged.nodeSelector = oldSpec.nodeSelector;
  }
  if (!deepEqual(munged, oldSpec)) {
    errs.push(forbidden(specPath, `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(",")}\n${specDiff("core.PodSpec", oldSpec, munged)}`));
  }
  return errs;
}
