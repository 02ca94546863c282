/** Kubernetes timestamps: RFC 3339 with whole seconds (metav1.Time), as every object field uses. */
export function rfc3339(time: number | Date): string {
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, "Z");
}
