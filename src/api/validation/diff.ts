/**
 * The diff upstream appends to "may not change" messages (it uses go-cmp's cmp.Diff over the
 * internal Go struct). Ours lists the changed top-level fields in the same `-`/`+` layout with JSON
 * values; the header line, which is what kubectl users read, is exact.
 */
import { deepEqual } from "./meta";

export function specDiff(typeName: string, oldValue: unknown, newValue: unknown): string {
  const before = (oldValue ?? {}) as Record<string, unknown>;
  const after = (newValue ?? {}) as Record<string, unknown>;
  const lines = [`  ${typeName}{`];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  let identical = 0;
  for (const key of keys) {
    if (deepEqual(before[key], after[key])) {
      identical++;
      continue;
    }
    if (before[key] !== undefined) lines.push(`- \t${key}: ${JSON.stringify(before[key])},`);
    if (after[key] !== undefined) lines.push(`+ \t${key}: ${JSON.stringify(after[key])},`);
  }
  if (identical) lines.push(`  \t... // ${identical} identical fields`);
  lines.push("  }");
  return lines.join("\n") + "\n";
}
