/**
 * How a 1.33 apiserver prints a field error's bad value: Go-quoted strings, bare numbers, and Go's
 * `%#v` for composites (`map[string]string{"app":"x"}`, `intstr.IntOrString{Type:0, IntVal:0,
 * StrVal:""}`, `v1.LabelSelector{...}`). Only the composites that validation reports and that `%#v`
 * prints without pointer addresses are rendered exactly; anything else falls back to JSON, which is
 * what 1.34+ prints for every composite.
 */

/** A value already rendered in Go syntax. */
export class GoLiteral {
  constructor(readonly text: string) {}
}

/** strconv.Quote: escapes quotes, backslashes and control characters, keeps printable Unicode. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    switch (ch) {
      case '"': out += '\\"'; break;
      case "\\": out += "\\\\"; break;
      case "\n": out += "\\n"; break;
      case "\r": out += "\\r"; break;
      case "\t": out += "\\t"; break;
      case "\x07": out += "\\a"; break;
      case "\b": out += "\\b"; break;
      case "\f": out += "\\f"; break;
      case "\v": out += "\\v"; break;
      default:
        if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
        else if (code >= 0x80 && code < 0xa0) out += `\\u${code.toString(16).padStart(4, "0")}`;
        else out += ch;
    }
  }
  return out + '"';
}

/** The text after "Invalid value: " for any bad value. */
export function renderValue(value: unknown): string {
  if (value instanceof GoLiteral) return value.text;
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return goQuote(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  return JSON.stringify(value);
}

/** `%#v` of a map[string]string (keys sorted, as fmt prints maps); nil when absent. */
export function goStringMap(m: Record<string, string> | null | undefined, type = "map[string]string"): GoLiteral {
  if (m === null || m === undefined) return new GoLiteral(`${type}(nil)`);
  const entries = Object.keys(m).sort().map((k) => `${goQuote(k)}:${goQuote(String(m[k]))}`);
  return new GoLiteral(`${type}{${entries.join(", ")}}`);
}

/** `%#v` of a []string (or a named string slice type). */
export function goStringSlice(a: readonly string[] | null | undefined, type = "[]string"): GoLiteral {
  if (a === null || a === undefined) return new GoLiteral(`${type}(nil)`);
  return new GoLiteral(`${type}{${a.map((s) => goQuote(String(s))).join(", ")}}`);
}

function intOrStringText(v: unknown): string {
  if (typeof v === "string") return `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}`;
  const n = typeof v === "number" ? v : 0;
  return `intstr.IntOrString{Type:0, IntVal:${n}, StrVal:""}`;
}

/** `%#v` of an intstr.IntOrString value (an absent one is the zero value, Type:0). */
export function goIntOrString(v: unknown): GoLiteral {
  return new GoLiteral(intOrStringText(v));
}

interface SelectorLike {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: { key?: string; operator?: string; values?: string[] | null }[] | null;
}

/** `%#v` of a metav1.LabelSelector (the validators pass `*LabelSelector`; 1.33 dereferences it). */
export function goLabelSelector(sel: SelectorLike | null | undefined): GoLiteral {
  if (sel === null || sel === undefined) return new GoLiteral("null");
  const exprs = sel.matchExpressions;
  const exprText = exprs === null || exprs === undefined
    ? "[]v1.LabelSelectorRequirement(nil)"
    : `[]v1.LabelSelectorRequirement{${exprs.map((e) =>
      `v1.LabelSelectorRequirement{Key:${goQuote(e.key ?? "")}, Operator:${goQuote(e.operator ?? "")}, Values:${goStringSlice(e.values).text}}`,
    ).join(", ")}}`;
  return new GoLiteral(`v1.LabelSelector{MatchLabels:${goStringMap(sel.matchLabels).text}, MatchExpressions:${exprText}}`);
}

/** `%#v` of the core.ServicePort key upstream builds for its duplicate-port check. */
export function goServicePortKey(protocol: string, port: number): GoLiteral {
  return new GoLiteral(
    `core.ServicePort{Name:"", Protocol:${goQuote(protocol)}, AppProtocol:(*string)(nil), Port:${port}, TargetPort:${intOrStringText(undefined)}, NodePort:0}`,
  );
}

/** JSON, for composites whose `%#v` would contain pointer addresses (what 1.34+ prints anyway). */
export function jsonValue(v: unknown): GoLiteral {
  return new GoLiteral(JSON.stringify(v ?? null));
}
