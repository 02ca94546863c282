/**
 * Which HPAs control a set of pods, for validateAndParseSelector's AmbiguousSelector check.
 *
 * The plain answer reads every HPA in the namespace and its target's Scale on every sync: O(HPAs)
 * reads per sync, so O(HPAs²) per sync period — with 100 HPAs that was most of the controller's time
 * and the HPAs fell five times behind their period (the HPA benchmark, issue 6). Upstream keeps
 * `hpaSelectors` in memory instead: each HPA's selector as its own last sync found it, looked up
 * from the pods' side. `HpaSelectors` is that memory, with one difference that keeps it honest: an
 * entry is only a candidate, and every candidate is confirmed against the snapshot, so a deleted HPA
 * or a changed target never makes another HPA ambiguous. As upstream, an HPA whose target's selector
 * changed is seen under its new selector from its own next sync (at most one period later).
 */
import { matchesLabels, parseLabelSelector, type LabelSelector } from "../../api/selectors";
import type { KObject } from "../../api/types";
import type { Snapshot } from "../types";
import { HPAS, type Spec } from "./status";
import { getScale } from "./target";

/** A Scale's selector string parsed; undefined when it selects nothing (empty or unparseable). */
export function scaleSelector(selector: string): LabelSelector | undefined {
  if (selector === "") return undefined;
  try {
    return parseLabelSelector(selector);
  } catch {
    return undefined;
  }
}

/** The parsed selector of the HPA's target's Scale; undefined when it has none (no target, empty or bad selector). */
export function targetSelector(snapshot: Snapshot, hpa: KObject): LabelSelector | undefined {
  const got = getScale(snapshot, hpa.metadata.namespace ?? "", (hpa.spec as Spec | undefined)?.scaleTargetRef ?? { kind: "", name: "" });
  return "scale" in got ? scaleSelector(got.scale.selector) : undefined;
}

const selectsAny = (selector: LabelSelector | undefined, pods: KObject[]) => !!selector && pods.some((p) => matchesLabels(selector, p.metadata.labels));

/** hpasControllingPodsUnderSelector, read in full from the snapshot: `self` and every HPA whose target selects one of `pods`. */
export function hpasControllingPods(snapshot: Snapshot, self: KObject, pods: KObject[]): KObject[] {
  return snapshot.list(HPAS, self.metadata.namespace).filter((other) => other.metadata.uid === self.metadata.uid || selectsAny(targetSelector(snapshot, other), pods));
}

/** Upstream's hpaSelectors: each HPA's target selector by namespace and name, as its last sync found it. */
export class HpaSelectors {
  /** Namespaces read in full once; an HPA created later enters at its own first pass. */
  private readonly namespaces = new Map<string, Map<string, LabelSelector | undefined>>();

  /** Records the selector an HPA's pass found (ignored for a namespace not read yet: that read will see it). */
  put(hpa: KObject, selector: LabelSelector | undefined): void {
    this.namespaces.get(hpa.metadata.namespace ?? "")?.set(hpa.metadata.name!, selector);
  }

  forget(namespace: string, name: string): void {
    this.namespaces.get(namespace)?.delete(name);
  }

  /** The same HPAs as `hpasControllingPods`, reading only the candidates memory names. */
  controlling(snapshot: Snapshot, self: KObject, pods: KObject[]): KObject[] {
    const namespace = self.metadata.namespace ?? "";
    let known = this.namespaces.get(namespace);
    if (!known) {
      known = new Map(snapshot.list(HPAS, namespace).map((h) => [h.metadata.name!, targetSelector(snapshot, h)]));
      this.namespaces.set(namespace, known);
    }
    const out = [self];
    for (const [name, selector] of known) {
      if (name === self.metadata.name || !selectsAny(selector, pods)) continue;
      const other = snapshot.get(HPAS, namespace, name);
      if (!other) {
        known.delete(name);
        continue;
      }
      const fresh = targetSelector(snapshot, other);
      known.set(name, fresh);
      if (selectsAny(fresh, pods)) out.push(other);
    }
    return out;
  }
}
