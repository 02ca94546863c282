/** SetDefaults_ResourceList: resource quantities as upstream stores and serves them. */
import { formatQuantity, parseQuantity, roundUpTo } from "../validation/quantity";

/** Round up to milli precision and keep the canonical text ("0.5" → "500m", "1024Mi" → "1Gi"). */
export function defaultResourceList(list: Record<string, unknown> | undefined | null): void {
  if (!list) return;
  for (const [name, value] of Object.entries(list)) {
    const q = parseQuantity(value);
    if (q) list[name] = formatQuantity(roundUpTo(q, -3));
  }
}
