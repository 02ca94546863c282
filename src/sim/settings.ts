/**
 * How fast a cluster's simulated world moves. The default profile is close to a small real cluster
 * (a pod Running within ~1–2 s); "fast" shrinks every delay for tests and benchmarks. Upstream's
 * controller timings (HPA sync, back-offs, grace periods) are scaled by `timeScale` in the fast profile.
 */
export interface SimulationSettings {
  profile: "default" | "fast";
  /** Sandbox creation (pause container, IP) after binding. */
  sandboxSeconds: number;
  /** An image pull when the image is not on the node yet. */
  imagePullSeconds: number;
  /** From container created to started. */
  containerStartSeconds: number;
  /** Multiplies upstream's fixed durations (back-off, tolerationSeconds, grace periods, HPA sync…). */
  timeScale: number;
}

export const DEFAULT_SETTINGS: SimulationSettings = {
  profile: "default",
  sandboxSeconds: 0.3,
  imagePullSeconds: 0.8,
  containerStartSeconds: 0.2,
  timeScale: 1,
};

export const FAST_SETTINGS: SimulationSettings = {
  profile: "fast",
  sandboxSeconds: 0.01,
  imagePullSeconds: 0.02,
  containerStartSeconds: 0.01,
  timeScale: 0.02,
};

export function settingsFor(profile: string | undefined): SimulationSettings {
  return profile === "fast" ? FAST_SETTINGS : DEFAULT_SETTINGS;
}
