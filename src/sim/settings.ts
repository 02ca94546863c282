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

const SETTING_KEYS: (keyof SimulationSettings)[] = ["profile", "sandboxSeconds", "imagePullSeconds", "containerStartSeconds", "timeScale"];

/** Checks a user's partial settings (`{"profile":"fast"}`, `{"timeScale":0.1}`); returns Status causes for bad fields. */
export function checkSettings(value: unknown, field = "simulation"): { reason: string; field: string; message: string }[] {
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    return [{ reason: "FieldValueInvalid", field, message: `Invalid value: ${JSON.stringify(value)}: must be an object` }];
  }
  const causes = [];
  for (const [key, v] of Object.entries(value)) {
    if (!SETTING_KEYS.includes(key as keyof SimulationSettings)) {
      causes.push({ reason: "FieldValueNotSupported", field: `${field}.${key}`, message: `Unsupported value: "${key}": supported values: ${SETTING_KEYS.map((k) => `"${k}"`).join(", ")}` });
    } else if (key === "profile" ? v !== "default" && v !== "fast" : typeof v !== "number" || !(v >= 0)) {
      causes.push({ reason: "FieldValueInvalid", field: `${field}.${key}`, message: `Invalid value: ${JSON.stringify(v)}: ${key === "profile" ? 'must be "default" or "fast"' : "must be a number >= 0"}` });
    }
  }
  return causes;
}

/** Settings for a cluster: the named profile's, overridden field by field. */
export function resolveSettings(base: SimulationSettings, overrides: Partial<SimulationSettings>): SimulationSettings {
  const profile = overrides.profile ? settingsFor(overrides.profile) : base;
  return { ...profile, ...overrides };
}
