/**
 * What a simulated container does, as data derived from its image, command, args and env — the
 * answer to "what would this process do on a real node?" for the commands the Kubernetes docs use.
 *
 * How a container is understood:
 * - argv follows Kubernetes: `command` replaces the image ENTRYPOINT, `args` its CMD; `$(VAR)` in
 *   either expands from the container's env (`$$(VAR)` escapes it).
 * - No command and no args: server images (nginx, httpd, redis, postgres, mysql, php:*-apache,
 *   registry.k8s.io/hpa-example, …) and unknown images run forever; shell/base images (busybox,
 *   alpine, ubuntu, debian, …) exit 0 at once — unless `stdin: true` keeps their shell waiting.
 * - `sh -c "…"` / `bash -c` / `/bin/sh -c`: the script runs in a small sh interpreter (shell.ts,
 *   script.ts): `sleep N`, `exit K`, `true`/`false`, `echo`, `printf`, `date`, variables and
 *   `$((…))`, `;` `&&` `||`, `while true`/`while sleep N`/`until`/`for`/`if`, `touch`/`rm`/`cat`
 *   (file state for exec probes), `wget`/`curl` (a loop of them is a load generator), `nslookup`
 *   (an `until nslookup svc` init container waits for the Service). Unknown commands inside a
 *   script succeed at once; an unparseable script is assumed to be a long-running process.
 * - A bare command runs the same way; an unknown top-level binary is assumed to be a server.
 * - `perl -Mbignum=bpi -wle "print bpi(N)"` prints N digits of π after ~N/200 seconds.
 * - agnhost: `liveness` serves /healthz for 10 s then fails it, `netexec` serves on --http-port.
 * - stress (the resource tutorials): `--vm-bytes 150M` / `-mem-total` hold that much memory (over the
 *   container's limit it is OOMKilled), `-cpus 2` reports two CPUs of usage.
 *
 * Annotations override it, on the pod, for every container or one (`<container>.<key>` wins):
 *
 * | annotation                          | value              | effect                                          |
 * |-------------------------------------|--------------------|-------------------------------------------------|
 * | kubeflare.dev/run-seconds           | seconds, "forever" | the process exits after that long (or never)    |
 * | kubeflare.dev/exit-code             | 0–255              | the code it exits with                          |
 * | kubeflare.dev/ready                 | "false" / "true"   | readiness probes always fail / always succeed   |
 * | kubeflare.dev/healthy-seconds       | seconds            | liveness and readiness probes fail after that   |
 * | kubeflare.dev/image-pull            | "fail" / "ok"      | the image pull fails (not found) / succeeds     |
 * | kubeflare.dev/ignore-sigterm        | "true"             | on stop, killed only after the grace period (137) |
 * | kubeflare.dev/cpu, kubeflare.dev/memory | quantity       | usage to report (for metrics)                   |
 * | kubeflare.dev/memory-growth         | quantity           | memory added per second; OOMKilled at the limit |
 * | kubeflare.dev/<container>.<key>     | as above           | the same for the container named <container>    |
 *
 * Durations here are simulated seconds; the kubelet multiplies them by the profile's timeScale.
 */
import type { Container } from "kubernetes-types/core/v1";
import {
  ENTRYPOINTS, type ImageRef, SERVER_PORTS, SHELL_IMAGES, imageSize, isPhpApache, parseImage, pullErrorMessage, pullVerdict,
} from "./images";
import { piDigits } from "./pi";
import { mayPrint } from "./analysis";
import { qualify } from "./coreutils";
import { type FileChange, type Oracle, type ProcessContext, type Printed, runScript } from "./script";
import { type List, ShellSyntaxError, literalWord, parseScript } from "./shell";

export const ANNOTATION_PREFIX = "kubeflare.dev/";

export type BehaviourKind = "server" | "shell" | "script" | "command" | "pi" | "unknown";

export interface LoadTarget {
  service: string;
  namespace?: string;
  requestsPerSecond: number;
}

export interface Behaviour {
  kind: BehaviourKind;
  image: ImageRef;
  imageSize: number;
  /** Whether the image can be pulled, and containerd's error when not. */
  pull: { ok: true } | { ok: false; message: string };
  argv: string[];
  /** Seconds from start to exit, or "forever". */
  runSeconds: number | "forever";
  exitCode: number;
  /** Lines printed (all of them for a process that ends; the first loop iteration for an endless one). */
  logs: Printed[];
  /** An endless loop keeps printing after `logs` (use printedBetween). */
  logsContinue: boolean;
  /** Files the process creates or removes over time (exec probes read them). */
  files: FileChange[];
  /** Ports it listens on; "declared" means the container's declared ports. */
  listens: number[] | "declared";
  /** Service names it is waiting to resolve (an init container's `until nslookup …`). */
  waitingFor: string[];
  /** Readiness forced by annotation. */
  ready?: boolean;
  /** Probes start failing after this many seconds (agnhost liveness, or the annotation). */
  healthySeconds?: number;
  ignoresSigterm: boolean;
  /** Exit code when stopped: servers shut down cleanly (0); a shell as PID 1 ignores SIGTERM and is killed (137). */
  stopExitCode: number;
  loadTarget?: LoadTarget;
  usage?: { cpu?: string; memory?: string };
  /** The program, for printedBetween. */
  program?: List;
}

export interface BehaviourContext {
  podName?: string;
  namespace?: string;
  /** Resolved environment (values from the pod spec, ConfigMaps, Secrets, the downward API). */
  env?: Record<string, string>;
  /** Files visible in the container (mounted volumes). */
  files?: Record<string, string>;
  /** Names that resolve, and from when (seconds since the container started). */
  resolved?: Record<string, { ip: string; at: number }>;
  /** Wall-clock milliseconds per simulated second, for what `date` prints (default 1000). */
  secondMs?: number;
}

/** An annotation for `container`, the per-container form first. */
export function annotation(annotations: Record<string, string> | undefined, container: string, key: string): string | undefined {
  return annotations?.[`${ANNOTATION_PREFIX}${container}.${key}`] ?? annotations?.[`${ANNOTATION_PREFIX}${key}`];
}

const SHELLS = new Set(["sh", "bash", "ash", "dash", "zsh"]);
/** Long enough that nothing in a tutorial outlives it: ten years of simulated time. */
const HORIZON = 10 * 365 * 86400;

/** The behaviour of `container` in a pod with `podAnnotations` (see the file comment). */
export function containerBehaviour(container: Container, podAnnotations?: Record<string, string>, context: BehaviourContext = {}): Behaviour {
  const image = parseImage(container.image ?? "");
  const env = context.env ?? literalEnv(container);
  const argv = commandLine(container, image, env);
  const base = baseBehaviour(container, image, argv, processContext(container, context, env, 0));
  return applyAnnotations(base, container, podAnnotations);
}

/** Lines `behaviour` prints between `from` and `to` seconds after a start at `startMs`. */
export function printedBetween(
  behaviour: Behaviour, container: Container, context: BehaviourContext, startMs: number, from: number, to: number,
): Printed[] {
  const end = behaviour.runSeconds === "forever" ? to : Math.min(to, behaviour.runSeconds);
  if (behaviour.kind === "pi" || !behaviour.program) return behaviour.logs.filter((l) => l.at >= from && l.at <= end);
  const ctx = processContext(container, context, context.env ?? literalEnv(container), startMs);
  const result = runScript(behaviour.program, ctx, { horizon: end, analyze: false, printFrom: from, maxSteps: 1_000_000 });
  return result.printed.filter((l) => l.at >= from && l.at <= end);
}

function processContext(container: Container, context: BehaviourContext, env: Record<string, string>, startMs: number): ProcessContext {
  const resolved = context.resolved ?? {};
  const oracle: Oracle = {
    resolve: (name, at) => {
      const hit = resolved[name];
      return hit && at >= hit.at ? hit.ip : undefined;
    },
    resolvesAt: (name) => resolved[name]?.at,
  };
  const namespace = context.namespace ?? "default";
  return {
    env,
    hostname: context.podName ?? container.name,
    namespace,
    startMs,
    secondMs: context.secondMs,
    files: { "/var/run/secrets/kubernetes.io/serviceaccount/namespace": namespace, ...(context.files ?? {}) },
    stdin: container.stdin === true,
    oracle,
  };
}

/** Env values given literally in the spec (the kubelet passes the fully resolved env instead). */
function literalEnv(container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) if (e.value !== undefined) env[e.name] = expandK8s(e.value, env);
  return env;
}

/** Kubernetes' $(VAR) expansion in command, args and env values: defined names only; $$ escapes. */
export function expandK8s(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (all, name: string | undefined) => {
    if (all === "$$") return "$";
    return name !== undefined && name in env ? env[name] : all;
  });
}

/** argv as the runtime would exec it: command ?? ENTRYPOINT, then args ?? CMD. */
function commandLine(container: Container, image: ImageRef, env: Record<string, string>): string[] {
  const command = container.command?.map((c) => expandK8s(c, env));
  const args = container.args?.map((a) => expandK8s(a, env));
  if (command?.length) return [...command, ...(args ?? [])];
  if (args?.length) return [...(ENTRYPOINTS[image.shortName] ?? []), ...args];
  return [];
}

function baseBehaviour(container: Container, image: ImageRef, argv: string[], ctx: ProcessContext): Behaviour {
  const verdict = pullVerdict(image);
  const base: Behaviour = {
    kind: "unknown",
    image,
    imageSize: imageSize(image),
    pull: verdict.ok ? { ok: true } : { ok: false, message: pullErrorMessage(image, verdict) },
    argv,
    runSeconds: "forever",
    exitCode: 0,
    logs: [],
    logsContinue: false,
    files: [],
    listens: "declared",
    waitingFor: [],
    ignoresSigterm: false,
    stopExitCode: 0,
  };
  if (argv.length === 0) return defaultProcess(base, image, ctx);

  const exe = argv[0].slice(argv[0].lastIndexOf("/") + 1);
  if (exe === "agnhost") return agnhost(base, argv.slice(1));
  if (exe === "stress") return stress(base, argv.slice(1));
  if (exe === "perl" || exe.startsWith("perl5")) {
    const pi = /bpi\((\d+)\)/.exec(argv.slice(1).join(" "));
    if (pi) {
      const digits = Number(pi[1]);
      const seconds = Math.max(1, Math.round(digits / 200));
      return { ...base, kind: "pi", runSeconds: seconds, stopExitCode: 137, logs: [{ at: seconds, text: piDigits(digits) }] };
    }
  }
  let program: List;
  let kind: BehaviourKind = "command";
  const flagC = argv.findIndex((a, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(a));
  if (SHELLS.has(exe) && flagC > 0 && argv[flagC + 1] !== undefined) {
    kind = "script";
    try {
      program = parseScript(argv[flagC + 1]);
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      return { ...base, kind: "script", stopExitCode: 137 };
    }
  } else {
    if (SHELLS.has(exe) && argv.length === 1) kind = "shell";
    program = [{ first: { negate: false, commands: [{ kind: "simple", assigns: [], words: argv.map(literalWord), redirects: [] }] }, rest: [], background: false }];
    if (kind === "command" && !knownCommand(exe, argv.slice(1))) return { ...base, kind: "unknown" };
  }
  return { ...run(base, program, ctx), kind };
}

/** Commands the interpreter models; anything else at the top level is assumed to be a server. */
function knownCommand(exe: string, args: string[]): boolean {
  // `python app.py` is most likely a server; `python -c …` and `python -m http.server` are modelled.
  if (exe === "python" || exe === "python3") return args[0] === "-c" || args[0] === "-m";
  return /^(sleep|echo|printf|date|true|false|exit|env|printenv|cat|ls|touch|rm|tail|hostname|wget|curl|nslookup|host|dig|getent|seq|test|\[|sh|bash|ash|dash|zsh|nginx|httpd|httpd-foreground|apache2-foreground|redis-server|postgres|mysqld|php-fpm|nc|netcat|read|:)$/.test(exe);
}

function run(base: Behaviour, program: List, ctx: ProcessContext): Behaviour {
  const result = runScript(program, ctx, { horizon: HORIZON, analyze: true });
  const behaviour: Behaviour = {
    ...base,
    program,
    logs: result.printed,
    files: result.files,
    waitingFor: result.waitingFor,
    stopExitCode: result.server ? 0 : 137,
    listens: result.server ? result.server.ports : [],
  };
  if (result.exit) {
    behaviour.runSeconds = result.exit.at;
    behaviour.exitCode = result.exit.code;
  } else {
    behaviour.runSeconds = "forever";
    behaviour.logsContinue = mayPrint(program);
  }
  const endless = result.requests.find((r) => r.perSecond !== undefined);
  if (endless) {
    const target = serviceOf(endless.url, ctx.namespace);
    if (target) behaviour.loadTarget = { ...target, requestsPerSecond: endless.perSecond! };
  }
  return behaviour;
}

/** An image run with its own default command. */
function defaultProcess(base: Behaviour, image: ImageRef, ctx: ProcessContext): Behaviour {
  const name = image.shortName;
  if (name === "hello-world") {
    const text = ["", "Hello from Docker!", "This message shows that your installation appears to be working correctly.", ""];
    return { ...base, kind: "command", runSeconds: 0, logs: text.map((t) => ({ at: 0, text: t })) };
  }
  if (SHELL_IMAGES.has(name) || /(^|\/)busybox$/.test(name)) {
    return ctx.stdin ? { ...base, kind: "shell", listens: [], stopExitCode: 137 } : { ...base, kind: "shell", runSeconds: 0, listens: [] };
  }
  if (name in SERVER_PORTS) return { ...base, kind: "server", listens: SERVER_PORTS[name] };
  if (isPhpApache(image)) return { ...base, kind: "server", listens: [80] };
  if (/(^|\/)agnhost$/.test(name)) return agnhost(base, []);
  if (/(^|\/)stress$/.test(name)) return stress(base, []);
  return { ...base, kind: "server" };
}

/**
 * The resource tutorials' load: polinux/stress `--vm N --vm-bytes 150M` holds that much memory,
 * vish/stress `-mem-total 150Mi` allocates it and `-cpus 2` burns two CPUs. Runs until stopped.
 */
function stress(base: Behaviour, args: string[]): Behaviour {
  const value = (...flags: string[]) => {
    const i = args.findIndex((a) => flags.includes(a.split("=")[0]));
    if (i < 0) return undefined;
    return args[i].includes("=") ? args[i].split("=")[1] : args[i + 1];
  };
  const workers = Number(value("--vm", "-m") ?? 1) || 1;
  const bytes = value("--vm-bytes", "-mem-total");
  const cpus = value("-cpus", "--cpu", "-c");
  const usage: Behaviour["usage"] = {};
  // stress counts in powers of two: "150M" is 150Mi, per worker.
  const size = bytes && /^(\d+)([KMGT]?)$/i.exec(bytes);
  if (size) usage.memory = `${Number(size[1]) * workers}${size[2] ? `${size[2].toUpperCase()}i` : ""}`;
  else if (bytes) usage.memory = bytes;
  if (cpus) usage.cpu = cpus;
  return { ...base, kind: "command", listens: [], stopExitCode: 137, usage };
}

/** agnhost's subcommands the docs use. */
function agnhost(base: Behaviour, args: string[]): Behaviour {
  const flag = (name: string, fallback: number) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
  switch (args[0]) {
    case "liveness":
      // Serves /healthz with 200 for the first 10 s, then 500 (the docs' HTTP liveness example).
      return { ...base, kind: "server", listens: [8080], healthySeconds: 10 };
    case "netexec":
      return { ...base, kind: "server", listens: [flag("http-port", 8080), flag("udp-port", 8081)] };
    case "serve-hostname":
      return { ...base, kind: "server", listens: [flag("port", 9376)] };
    case "test-webserver":
      return { ...base, kind: "server", listens: [flag("port", 80)] };
    case "pause":
      return { ...base, kind: "server", listens: [] };
    default:
      return { ...base, kind: "server" };
  }
}

/** The Service a load generator's URL names: "http://php-apache" → php-apache in the pod's namespace. */
export function serviceOf(url: string, namespace: string): { service: string; namespace?: string } | undefined {
  const host = /^(?:[a-z]+:\/\/)?([^/:?#]+)/i.exec(url)?.[1];
  if (!host || /^\d+(\.\d+){3}$/.test(host)) return undefined;
  const fqdn = qualify(host, namespace);
  const m = /^([^.]+)\.([^.]+)\.svc\.cluster\.local$/.exec(fqdn);
  if (!m) return undefined;
  return m[2] === namespace && !host.includes(".") ? { service: m[1] } : { service: m[1], namespace: m[2] };
}

function applyAnnotations(b: Behaviour, container: Container, annotations: Record<string, string> | undefined): Behaviour {
  const get = (key: string) => annotation(annotations, container.name, key);
  const out = { ...b };
  const run = get("run-seconds");
  if (run !== undefined) {
    if (run === "forever" || run === "infinity") out.runSeconds = "forever";
    else if (Number.isFinite(Number(run)) && Number(run) >= 0) {
      out.runSeconds = Number(run);
      out.logs = out.logs.filter((l) => l.at <= Number(run));
    }
  }
  const code = get("exit-code");
  if (code !== undefined && /^\d+$/.test(code)) out.exitCode = Number(code) & 255;
  const ready = get("ready");
  if (ready === "false" || ready === "true") out.ready = ready === "true";
  const healthy = get("healthy-seconds");
  if (healthy !== undefined && Number.isFinite(Number(healthy))) out.healthySeconds = Number(healthy);
  const pull = get("image-pull");
  if (pull === "fail") out.pull = { ok: false, message: pullErrorMessage(out.image, { code: "NotFound", detail: `${out.image.registry}/${out.image.repository}:${out.image.tag ?? "latest"}: not found` }) };
  else if (pull === "ok") out.pull = { ok: true };
  if (get("ignore-sigterm") === "true") out.ignoresSigterm = true;
  const cpu = get("cpu");
  const memory = get("memory");
  if (cpu !== undefined || memory !== undefined) out.usage = { ...out.usage, ...(cpu !== undefined ? { cpu } : {}), ...(memory !== undefined ? { memory } : {}) };
  return out;
}
