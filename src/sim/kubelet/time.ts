/** Time formats the kubelet and the tools inside containers print. */

/** metav1.Time as the API serializes it: RFC 3339, whole seconds, UTC. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** Millisecond precision, for the runtime record (containerd keeps nanoseconds). */
export function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Go's time.Duration.String for a duration in milliseconds, as kubelet messages print it:
 * 800 → "800ms", 1200 → "1.2s", 10000 → "10s", 80000 → "1m20s", 300000 → "5m0s", 0 → "0s".
 */
export function goDuration(ms: number): string {
  if (ms === 0) return "0s";
  if (ms < 0) return `-${goDuration(-ms)}`;
  if (ms < 1) return `${trimFloat(ms * 1000)}µs`;
  if (ms < 1000) return `${trimFloat(ms)}ms`;
  const totalSeconds = ms / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds - hours * 3600 - minutes * 60;
  let out = "";
  if (hours > 0) out += `${hours}h`;
  if (hours > 0 || minutes > 0) out += `${minutes}m`;
  return `${out}${trimFloat(seconds)}s`;
}

/** At most three decimals, no trailing zeros: 1.200 → "1.2". */
function trimFloat(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * What `date` prints with no arguments in a container (busybox and coreutils agree, TZ unset):
 * "Wed May  1 10:00:00 UTC 2024" — the day of the month padded with a space.
 */
export function dateOutput(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  const day = String(d.getUTCDate()).padStart(2, " ");
  const clock = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${day} ${clock} UTC ${d.getUTCFullYear()}`;
}
