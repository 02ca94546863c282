/**
 * What upstream's HPA controller keeps in memory — the recent unstabilized recommendations and the
 * scale events the rate policies count — kept in the HPA's `kubeflare.dev/scale-events` annotation so a
 * restart (or another isolate) forgets nothing.
 *
 * Recommendations are stored as runs, one per change of value: upstream samples every sync period,
 * so a run's latest sample is one period before the next run began (the last run's, one period
 * before now). The annotation therefore changes only when the recommendation does, never on every
 * sync of a steady HPA:
 *
 *   runs 5@0s, 7@60s, 3@120s at now=150s, sync 15s → samples 5@45s, 7@105s, 3@135s
 */
import type { KObject } from "../../api/types";

export const SCALE_EVENTS_ANNOTATION = "kubeflare.dev/scale-events";

export interface RecommendationRun {
  replicas: number;
  /** When this value was first recommended (ms). */
  since: number;
}

export interface ScaleEvent {
  /** Replicas added (scale up) or removed (scale down), non-negative. */
  change: number;
  at: number;
}

export interface ScaleHistory {
  recommendations: RecommendationRun[];
  scaleUp: ScaleEvent[];
  scaleDown: ScaleEvent[];
}

/** A recommendation as the stabilization windows see it: its value and latest sample time. */
export interface Sample {
  replicas: number;
  at: number;
}

export const emptyHistory = (): ScaleHistory => ({ recommendations: [], scaleUp: [], scaleDown: [] });

const iso = (ms: number) => new Date(ms).toISOString();
const ms = (text: unknown) => (typeof text === "string" ? Date.parse(text) : NaN);
const count = (n: unknown) => (typeof n === "number" && Number.isInteger(n) && n >= 0 ? n : NaN);

/** The history in the annotation; anything unreadable is forgotten (as a controller restart would). */
export function readHistory(hpa: KObject): ScaleHistory {
  const text = hpa.metadata.annotations?.[SCALE_EVENTS_ANNOTATION];
  if (!text) return emptyHistory();
  let raw: { recommendations?: unknown; scaleUp?: unknown; scaleDown?: unknown };
  try {
    raw = JSON.parse(text);
  } catch {
    return emptyHistory();
  }
  const list = <T>(value: unknown, parse: (item: Record<string, unknown>) => T | undefined): T[] =>
    Array.isArray(value) ? value.flatMap((item) => (item && typeof item === "object" ? [parse(item as Record<string, unknown>)].filter((x): x is T => x !== undefined) : [])) : [];
  const run = (i: Record<string, unknown>) => {
    const replicas = count(i.replicas);
    const since = ms(i.since);
    return Number.isNaN(replicas) || Number.isNaN(since) ? undefined : { replicas, since };
  };
  const event = (i: Record<string, unknown>) => {
    const change = count(i.change);
    const at = ms(i.at);
    return Number.isNaN(change) || Number.isNaN(at) ? undefined : { change, at };
  };
  return {
    recommendations: list(raw?.recommendations, run).sort((a, b) => a.since - b.since),
    scaleUp: list(raw?.scaleUp, event),
    scaleDown: list(raw?.scaleDown, event),
  };
}

/** The annotation text, or undefined when there is nothing to remember. */
export function encodeHistory(h: ScaleHistory): string | undefined {
  if (!h.recommendations.length && !h.scaleUp.length && !h.scaleDown.length) return undefined;
  return JSON.stringify({
    recommendations: h.recommendations.map((r) => ({ replicas: r.replicas, since: iso(r.since) })),
    ...(h.scaleUp.length ? { scaleUp: h.scaleUp.map((e) => ({ change: e.change, at: iso(e.at) })) } : {}),
    ...(h.scaleDown.length ? { scaleDown: h.scaleDown.map((e) => ({ change: e.change, at: iso(e.at) })) } : {}),
  });
}

/** Each run's latest sample: one sync before the next run began, or before now for the last (never before the run began). */
export function recommendationSamples(h: ScaleHistory, now: number, syncMs: number): Sample[] {
  return h.recommendations.map((run, i) => {
    const next = h.recommendations[i + 1];
    const latest = (next ? next.since : now) - syncMs;
    return { replicas: run.replicas, at: Math.min(Math.max(run.since, latest), next ? next.since : now) };
  });
}

/** recordInitialRecommendation: the first sync remembers the target's current size as a recommendation made now. */
export function recordInitialRecommendation(h: ScaleHistory, currentReplicas: number, now: number): ScaleHistory {
  return h.recommendations.length ? h : { ...h, recommendations: [{ replicas: currentReplicas, since: now }] };
}

/**
 * Remembers this sync's unstabilized recommendation: a new run when the value changed, pruning runs
 * whose latest sample is older than `retainMs` (the longest stabilization window) as upstream
 * reuses its outdated slots. A steady value changes nothing.
 */
export function recordRecommendation(h: ScaleHistory, replicas: number, now: number, retainMs: number, syncMs: number): ScaleHistory {
  const last = h.recommendations[h.recommendations.length - 1];
  if (last && last.replicas === replicas) return h;
  const runs = [...h.recommendations, { replicas, since: now }];
  const samples = recommendationSamples({ ...h, recommendations: runs }, now, syncMs);
  return { ...h, recommendations: runs.filter((_, i) => i === runs.length - 1 || samples[i].at >= now - retainMs) };
}

/** storeScaleEvent: remember a rescale for the rate policies, forgetting events older than the longest policy period. */
export function recordScaleEvent(h: ScaleHistory, previous: number, next: number, now: number, retainUpMs: number, retainDownMs: number): ScaleHistory {
  if (next > previous) {
    return { ...h, scaleUp: [...h.scaleUp.filter((e) => e.at >= now - retainUpMs), { change: next - previous, at: now }] };
  }
  return { ...h, scaleDown: [...h.scaleDown.filter((e) => e.at >= now - retainDownMs), { change: previous - next, at: now }] };
}
