/**
 * The small tools container scripts call, as pure functions over text: printf and echo escapes,
 * `sleep` operands, `date +FORMAT`, `[`/`test` expressions, the text filters used in pipes, and
 * how a Service name is completed by the pod's DNS search path.
 */
import { dateOutput } from "./time";

/** Service DNS as resolv.conf search paths complete it: "svc" → "svc.ns.svc.cluster.local". */
export function qualify(name: string, namespace: string): string {
  const trimmed = name.replace(/\.$/, "");
  if (trimmed.endsWith(".cluster.local")) return trimmed;
  const labels = trimmed.split(".");
  if (labels.length === 1) return `${trimmed}.${namespace}.svc.cluster.local`;
  if (labels.length === 2) return `${trimmed}.svc.cluster.local`;
  if (labels[2] === "svc") return `${trimmed}.cluster.local`;
  return trimmed;
}

export function basename(path: string): string {
  if (path === "/agnhost") return path;
  return path.slice(path.lastIndexOf("/") + 1);
}

export function numbersAfter(args: string[], flag: string): number[] {
  const i = args.indexOf(flag);
  const n = Number(i >= 0 ? args[i + 1] : args.find((a) => /^\d+$/.test(a)));
  return Number.isFinite(n) && n > 0 ? [n] : [];
}

/** `sleep` operands: "5", "0.5", "2m", "1h", "infinity". */
export function parseSleep(arg: string): number {
  if (arg === "infinity" || arg === "inf") return Infinity;
  const m = /^(\d*\.?\d+)([smhd]?)$/.exec(arg);
  if (!m) return 0;
  const unit = { "": 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2]]!;
  return Number(m[1]) * unit;
}

export function unescape(text: string): string {
  return text.replace(/\\([ntr\\]|0?[0-7]{1,3})/g, (_, c: string) => {
    if (c === "n") return "\n";
    if (c === "t") return "\t";
    if (c === "r") return "\r";
    if (c === "\\") return "\\";
    return String.fromCharCode(parseInt(c, 8));
  });
}

/** printf with %s %d %i %f %x %c %% and backslash escapes; the format repeats while arguments remain. */
export function printf(format: string, args: string[]): string {
  const fmt = unescape(format);
  let out = "";
  let index = 0;
  do {
    out += fmt.replace(/%(-?\d*)(?:\.(\d+))?([sdifxc%])/g, (_, width: string, precision: string | undefined, conv: string) => {
      if (conv === "%") return "%";
      const arg = args[index++] ?? "";
      let text: string;
      if (conv === "d" || conv === "i") text = String(Math.trunc(Number(arg) || 0));
      else if (conv === "f") text = (Number(arg) || 0).toFixed(precision ? Number(precision) : 6);
      else if (conv === "x") text = (Math.trunc(Number(arg)) || 0).toString(16);
      else if (conv === "c") text = arg.slice(0, 1);
      else text = arg;
      const w = Number(width) || 0;
      return w < 0 ? text.padEnd(-w) : text.padStart(w);
    });
  } while (index > 0 && index < args.length);
  return out;
}

/** `date` with an optional +FORMAT (%Y %m %d %H %M %S %s %T %F %Z), at `ms`. */
export function formatDate(ms: number, format: string | undefined): string {
  if (!format?.startsWith("+")) return dateOutput(ms);
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  const map: Record<string, string> = {
    Y: String(d.getUTCFullYear()), m: two(d.getUTCMonth() + 1), d: two(d.getUTCDate()), H: two(d.getUTCHours()),
    M: two(d.getUTCMinutes()), S: two(d.getUTCSeconds()), s: String(Math.floor(ms / 1000)), Z: "UTC", "%": "%",
  };
  map.T = `${map.H}:${map.M}:${map.S}`;
  map.F = `${map.Y}-${map.m}-${map.d}`;
  return format.slice(1).replace(/%([A-Za-z%])/g, (all, c: string) => map[c] ?? all);
}

/** `[ … ]` / `test …`: string, integer and file tests; `exists` answers -e/-f/-d. */
export function testExpression(args: string[], exists: (path: string) => boolean): boolean {
  if (args[0] === "!") return !testExpression(args.slice(1), exists);
  if (args.length === 0) return false;
  if (args.length === 1) return args[0] !== "";
  if (args.length === 2) {
    const [op, operand] = args;
    if (op === "-z") return operand === "";
    if (op === "-n") return operand !== "";
    return ["-e", "-f", "-d", "-s", "-r"].includes(op) && exists(operand);
  }
  const [a, op, b] = args;
  const x = Number(a);
  const y = Number(b);
  switch (op) {
    case "=":
    case "==":
      return a === b;
    case "!=":
      return a !== b;
    case "-eq":
      return x === y;
    case "-ne":
      return x !== y;
    case "-lt":
      return x < y;
    case "-le":
      return x <= y;
    case "-gt":
      return x > y;
    case "-ge":
      return x >= y;
  }
  return false;
}

export interface FilterResult {
  output: string;
  status: number;
  /** Files written (tee). */
  files: [string, string][];
}

/** The pipe stages docs scripts use on text: cat, tee, grep [-v], head/tail -n, wc [-l], sort [-n] [-r], uniq; others swallow it. */
export function textFilter(argv: string[], input: string): FilterResult {
  const lines = input.split("\n").filter((l, i, all) => l !== "" || i < all.length - 1);
  const joined = (kept: string[]) => kept.map((l) => `${l}\n`).join("");
  const name = basename(argv[0] ?? "");
  switch (name) {
    case "cat":
      return { output: input, status: 0, files: [] };
    case "tee":
      return { output: input, status: 0, files: argv.slice(1).filter((a) => !a.startsWith("-")).map((f) => [f, input]) };
    case "grep": {
      const pattern = argv.slice(1).find((a) => !a.startsWith("-")) ?? "";
      const kept = lines.filter((l) => l.includes(pattern) !== argv.includes("-v"));
      return { output: joined(kept), status: kept.length ? 0 : 1, files: [] };
    }
    case "head":
    case "tail": {
      const n = Number(/^-n?(\d+)$/.exec(argv[1] ?? "")?.[1] ?? argv[2] ?? 10) || 10;
      return { output: joined(name === "head" ? lines.slice(0, n) : lines.slice(-n)), status: 0, files: [] };
    }
    case "sort": {
      const sorted = [...lines].sort(argv.includes("-n") ? (a, b) => parseFloat(a) - parseFloat(b) : undefined);
      return { output: joined(argv.includes("-r") ? sorted.reverse() : sorted), status: 0, files: [] };
    }
    case "uniq":
      return { output: joined(lines.filter((l, i) => i === 0 || lines[i - 1] !== l)), status: 0, files: [] };
    case "wc": {
      const words = input.split(/\s+/).filter(Boolean).length;
      return { output: argv.includes("-l") ? `${lines.length}\n` : `${lines.length} ${words} ${input.length}\n`, status: 0, files: [] };
    }
  }
  return { output: "", status: 0, files: [] };
}
