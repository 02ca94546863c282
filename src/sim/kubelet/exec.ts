/**
 * `kubectl exec`, on the node's side: the kubelet finds the running container (or refuses, as upstream:
 * "pod does not exist", `container not found ("x")`), the runtime starts the process (or fails as
 * containerd does: `OCI runtime exec failed: … executable file not found in $PATH`), and the process
 * runs in the container's world — its environment (env vars, the downward API, service links, the
 * image's ENV), hostname, files (filesystem.ts) and network (reach.ts) — through the shell interpreter.
 *
 * An ExecProcess is fed stdin as it arrives and says what to send back (ExecStep): output chunks with
 * their times, file writes to commit into the runtime record (so later execs and exec probes see them),
 * and the end. Everything is a function of its inputs (pod, snapshot, now, a random source).
 *   - A command (`hostname`, `sh -c 'echo hi > /tmp/x'`, `curl localhost`) runs at once; if it reads
 *     stdin (`cat`, `read`) it waits for it and runs again from the start with what has come (the run
 *     is deterministic, so what was already sent is not repeated).
 *   - A shell without -c and with stdin (`-i`, `-it`) reads lines: each runs as a command against the
 *     container's current files; `exit` ends it with its code. With a TTY it prints a prompt (`/ # `,
 *     `root@pod:/# `), echoes what is typed, handles backspace, ^C and ^D, and ends lines with \r\n.
 */
import { mulberry32 } from "../../controllers/rng";
import type { Pod } from "kubernetes-types/core/v1";
import type { KObject } from "../../api/types";
import type { Snapshot } from "../../controllers/types";
import { resolveDns } from "../dns";
import type { SimulationSettings } from "../settings";
import type { PodContext } from "./context";
import { basename } from "./coreutils";
import { appendWrites, execWrites, fileView, type FileView, podHostname } from "./filesystem";
import { hexId } from "./hash";
import { parseImage } from "./images";
import { fetchFrom } from "./reach";
import { type FileWrite, type Instance, readRecord, SANDBOX_ANNOTATION, encodeRecord } from "./record";
import { type ExecWorld, runScript, type ShellState } from "./script";
import { type List, literalWord, parseScript, ShellSyntaxError } from "./shell";
import { notFoundMessage, PATH, prompt, type ShellKind, type Userland, userlandOf } from "./userland";

export interface ExecOptions {
  container: string;
  command: string[];
  stdin: boolean;
  tty: boolean;
  /** Attached to the container's own shell (kubectl attach): it is already running, its prompt long printed. */
  attach?: boolean;
}

/** The world at the moment a step runs. */
export interface ExecWorldInput {
  pod: KObject;
  snapshot: Snapshot;
  settings: SimulationSettings;
  now: number;
  /** The kubelet's view of a pod (index.ts podContextAt). */
  podContext(pod: KObject): PodContext | undefined;
}

export interface Chunk {
  /** Seconds after the step began. */
  at: number;
  stream: "stdout" | "stderr";
  text: string;
}

export interface ExecStep {
  chunks: Chunk[];
  /** Files the step changed, for the runtime record (commitExecWrites). */
  writes: FileWrite[];
  /** The process ended: with an exit code, or (failure) the runtime could not run it. */
  end?: { at: number; code: number } | { at: number; failure: string };
  /** Output already queued from earlier steps is void (^C interrupted it). */
  interrupt?: boolean;
}

/** Simulated seconds one step may run before its output stops (an endless loop keeps the stream open). */
const STEP_HORIZON = 3600;
/** stdin kept for a command that reads it (characters); more is dropped. */
const MAX_STDIN = 1024 * 1024;
const SHELLS = new Set(["sh", "bash", "ash", "dash"]);

/**
 * Why the kubelet refuses to exec into `container` (kubelet server.go / kubelet_pods.go findContainer),
 * or undefined when it can: a pod it has not admitted "does not exist"; a container that is not running
 * (still starting, crashed, done) is "not found".
 */
export function execRefusal(pod: KObject, container: string): string | undefined {
  const record = readRecord(pod);
  if (!record) return "pod does not exist";
  const rec = record.containers.find((c) => c.name === container);
  if (!rec?.current || (rec.phase !== "running" && rec.phase !== "killing")) return `container not found ("${container}")`;
  return undefined;
}

/** containerd's (runc's) error when the program is not in the image. */
function ociError(instanceId: string, program: string, seed: string): string {
  const execId = hexId(`${instanceId}/exec/${seed}`);
  const why = program.includes("/") ? `stat ${program}: no such file or directory` : "executable file not found in $PATH";
  return `error executing command in container: failed to exec in container: failed to start exec "${execId}": OCI runtime exec failed: exec failed: unable to start container process: exec: "${program}": ${why}: unknown`;
}


/** Whether the image has `program` (a name on PATH, a path to one, or a file the image or a volume holds). */
function hasProgram(land: Userland, view: FileView | undefined, program: string): boolean {
  if (!program.includes("/")) return land.commands.has(program);
  if (view?.files.has(program)) return true;
  const dir = program.slice(0, program.lastIndexOf("/")) || "/";
  return /^\/(usr\/)?(local\/)?s?bin$/.test(dir) && land.commands.has(basename(program));
}

/**
 * The environment a process started by exec sees: PATH and HOSTNAME, TERM with a TTY, the container's
 * environment (Service links and the pod spec's env, environment.ts), the image's ENV and HOME.
 */
export function execEnvironment(ctx: PodContext, container: string, land: Userland, tty: boolean): Record<string, string> {
  const pod = ctx.pod;
  const spec = ctx.environment(container).env;
  const env: Record<string, string> = { PATH: spec.PATH ?? land.env.find(([k]) => k === "PATH")?.[1] ?? PATH, HOSTNAME: podHostname(pod).hostname };
  if (tty) env.TERM = "xterm";
  Object.assign(env, spec);
  for (const [k, v] of land.env) env[k] ??= v;
  env.HOME ??= "/root";
  return env;
}

/** What the terminal (the pty's line discipline) does with typed bytes: echo, erase, ^C, ^D, lines. */
interface Keystrokes {
  echo: string;
  /** Complete lines (with their "\n") handed to the process. */
  lines: string[];
  interrupt: boolean;
  eof: boolean;
}

function lineDiscipline(buffer: { line: string }, data: string): Keystrokes {
  const out: Keystrokes = { echo: "", lines: [], interrupt: false, eof: false };
  for (let i = 0; i < data.length; i++) {
    const c = data[i];
    if (c === "\r" || c === "\n") {
      out.echo += "\r\n";
      out.lines.push(`${buffer.line}\n`);
      buffer.line = "";
      if (c === "\r" && data[i + 1] === "\n") i++;
    } else if (c === "\x7f" || c === "\b") {
      if (buffer.line) {
        buffer.line = buffer.line.slice(0, -1);
        out.echo += "\b \b";
      }
    } else if (c === "\x03") {
      out.echo += "^C\r\n";
      buffer.line = "";
      out.interrupt = true;
    } else if (c === "\x04") {
      if (buffer.line === "") out.eof = true;
      else {
        out.lines.push(buffer.line);
        buffer.line = "";
      }
    } else if (c === "\x15") {
      out.echo += "\b \b".repeat(buffer.line.length);
      buffer.line = "";
    } else if (c === "\x1b") {
      // An escape sequence (arrow keys…): no line editing here, drop it.
      const m = /^\x1b(\[[0-9;]*[A-Za-z~]|O[A-Za-z]|.)?/.exec(data.slice(i));
      i += (m?.[0].length ?? 1) - 1;
    } else if (c >= " " || c === "\t") {
      buffer.line += c;
      out.echo += c;
    }
  }
  return out;
}

/**
 * What cluster DNS answers a pod for `name`, with the name each address reverse-resolves to: a
 * ClusterIP to its Service, a StatefulSet pod to web-0.nginx.default.svc.cluster.local (CoreDNS
 * answers PTR queries for Service IPs and for endpoints of headless Services).
 */
function lookup(name: string, world: ExecWorldInput): { ip: string; ptr?: string }[] {
  const answer = resolveDns(name, world.snapshot, "cluster.local", world.pod.metadata.namespace);
  if (!answer || answer.type !== "A") return [];
  const services = world.snapshot.list("services");
  const ptr = (ip: string): string | undefined => {
    const svc = services.find((s) => (s.spec as { clusterIP?: string } | undefined)?.clusterIP === ip);
    if (svc) return `${svc.metadata.name}.${svc.metadata.namespace}.svc.cluster.local`;
    const pod = world.snapshot.list("pods").find((p) => (p.status as { podIP?: string } | undefined)?.podIP === ip);
    return pod ? podHostname(pod as unknown as Pod).fqdn : undefined;
  };
  return answer.records.map((ip) => ({ ip, ptr: ptr(ip) }));
}

/** The shell a command line starts, if it is one: `sh`, `/bin/bash -l`, `sh -i`… (not `sh -c …`). */
function shellOf(land: Userland, argv: string[]): { kind: ShellKind; arg0: string; script?: string } | undefined {
  const name = basename(argv[0] ?? "");
  if (!SHELLS.has(name)) return undefined;
  const kind: ShellKind = name === "bash" ? "bash" : name === "ash" ? "ash" : name === "dash" ? "dash" : (land.sh ?? "dash");
  const c = argv.findIndex((a, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(a));
  if (c > 0) return { kind, arg0: argv[0], script: argv[c + 1] ?? "" };
  return { kind, arg0: argv[0] };
}

export class ExecProcess {
  private readonly land: Userland;
  private readonly shell?: { kind: ShellKind; arg0: string; script?: string };
  private readonly interactive: boolean;
  private readonly state: ShellState;
  private readonly keys = { line: "" };
  /** Program mode: stdin so far, and output already sent from earlier runs. */
  private input = { text: "", eof: false };
  private sent = 0;
  private lastAt = 0;
  /** Program mode: the world is frozen at the start so that reruns repeat themselves. */
  private frozen?: { now: number; view: FileView; seed: number };
  /** Interactive mode: an unfinished multi-line command. */
  private pendingLines = "";
  private lineNo = 0;
  private ended = false;
  private hostname = "";

  constructor(
    private readonly options: ExecOptions,
    pod: KObject,
    private readonly seed: number,
  ) {
    const container = (pod as unknown as Pod).spec?.containers?.find((c) => c.name === options.container)
      ?? (pod as unknown as Pod).spec?.initContainers?.find((c) => c.name === options.container);
    this.land = userlandOf(parseImage(container?.image ?? ""));
    this.shell = shellOf(this.land, options.command);
    this.interactive = !!this.shell && this.shell.script === undefined;
    this.state = { vars: {}, exported: [], cwd: this.land.workdir, status: 0 };
  }

  get done(): boolean {
    return this.ended;
  }

  /** Starts the process: the runtime's checks, then the first run (or the first prompt). */
  start(world: ExecWorldInput): ExecStep {
    const ctx = world.podContext(world.pod);
    const instance = ctx?.rec(this.options.container)?.current;
    const program = this.options.command[0];
    const view = ctx ? fileView(ctx, this.options.container, world.now) : undefined;
    if (ctx) this.hostname = podHostname(ctx.pod).hostname;
    if (!ctx || !instance || !hasProgram(this.land, view, program)) {
      this.ended = true;
      return { chunks: [], writes: [], end: { at: 0, failure: ociError(instance?.id ?? "", program, `${this.seed}`) } };
    }
    if (!this.interactive) {
      this.frozen = { now: world.now, view: view!, seed: this.seed };
      return this.runProgram(world);
    }
    if (!this.options.stdin) {
      // A shell with nothing to read reads end-of-file at once.
      this.ended = true;
      return { chunks: [], writes: [], end: { at: 0, code: 0 } };
    }
    return { chunks: this.options.attach ? [] : this.promptChunk(), writes: [] };
  }

  /** Bytes the client sent on stdin. */
  write(data: string, world: ExecWorldInput): ExecStep {
    if (this.ended) return { chunks: [], writes: [] };
    if (!this.options.tty) {
      if (!this.interactive) {
        if (this.input.text.length >= MAX_STDIN) return { chunks: [], writes: [] };
        this.input.text += data.slice(0, MAX_STDIN - this.input.text.length);
        return this.runProgram(world);
      }
      const text = this.keys.line + data;
      const parts = text.split("\n");
      this.keys.line = parts.pop()!;
      return this.lines(parts.map((p) => `${p}\n`), world);
    }
    const keys = lineDiscipline(this.keys, data);
    const echo: Chunk[] = keys.echo ? [{ at: 0, stream: "stdout", text: keys.echo }] : [];
    if (keys.interrupt) {
      if (!this.interactive) {
        this.ended = true;
        return { chunks: echo, writes: [], end: { at: 0, code: 130 }, interrupt: true };
      }
      this.pendingLines = "";
      this.state.status = 130;
      return { chunks: [...echo, ...this.promptChunk()], writes: [], interrupt: true };
    }
    let step: ExecStep;
    if (!this.interactive) {
      this.input.text += keys.lines.join("");
      if (keys.eof) this.input.eof = true;
      step = keys.lines.length || keys.eof ? this.runProgram(world) : { chunks: [], writes: [] };
    } else {
      step = this.lines(keys.lines, world);
      if (keys.eof && !this.ended) step = this.merge(step, this.endShell());
    }
    return { ...step, chunks: [...echo, ...step.chunks] };
  }

  /** The client closed stdin (v5 CLOSE on channel 0). */
  closeInput(world: ExecWorldInput): ExecStep {
    if (this.ended) return { chunks: [], writes: [] };
    if (!this.interactive) {
      if (this.input.eof) return { chunks: [], writes: [] };
      this.input.eof = true;
      return this.runProgram(world);
    }
    const rest = this.keys.line;
    this.keys.line = "";
    const step = rest ? this.lines([rest], world) : { chunks: [], writes: [] };
    return this.ended ? step : this.merge(step, this.endShell());
  }

  private endShell(): ExecStep {
    this.ended = true;
    // bash says goodbye on ^D at a prompt; ash and dash print a newline.
    const bye = this.options.tty ? [{ at: 0, stream: "stdout" as const, text: this.shell?.kind === "bash" ? "exit\r\n" : "\r\n" }] : [];
    return { chunks: bye, writes: [], end: { at: 0, code: this.state.status } };
  }

  private merge(a: ExecStep, b: ExecStep): ExecStep {
    const offset = Math.max(0, ...a.chunks.map((c) => c.at), a.end?.at ?? 0);
    return { chunks: [...a.chunks, ...b.chunks.map((c) => ({ ...c, at: c.at + offset }))], writes: [...a.writes, ...b.writes], end: b.end ?? a.end, interrupt: a.interrupt || b.interrupt };
  }

  private promptChunk(): Chunk[] {
    if (!this.options.tty || !this.shell) return [];
    const text = this.pendingLines ? "> " : prompt(this.shell.kind, this.hostname, this.state.cwd);
    return [{ at: 0, stream: "stdout", text }];
  }

  private world(world: ExecWorldInput, ctx: PodContext, view: FileView, input: { text: string; eof: boolean }, rng: () => number): ExecWorld {
    const shell = this.shell ?? { kind: this.land.sh ?? "dash", arg0: "sh" };
    return {
      flavour: this.land.flavour,
      has: (command) => hasProgram(this.land, view, command),
      notFound: (command) => notFoundMessage(shell.kind, shell.arg0, command, this.interactive, Math.max(1, this.lineNo)),
      dirs: new Set(view.dirs),
      podIP: ctx.podIP,
      fetch: (url) => fetchFrom(world.pod, url, { snapshot: world.snapshot, settings: world.settings, now: world.now, rng, podContext: world.podContext }),
      dns: (name) => lookup(name, world),
      input,
      shell: this.state,
    };
  }

  /** Runs `list` in the container at `now` against `view`; returns the raw result. */
  private run(list: List, world: ExecWorldInput, ctx: PodContext, view: FileView, input: { text: string; eof: boolean }, now: number, seed: number) {
    const env = execEnvironment(ctx, this.options.container, this.land, this.options.tty);
    return runScript(list, {
      env,
      hostname: this.hostname,
      namespace: world.pod.metadata.namespace ?? "default",
      startMs: now,
      secondMs: ctx.secondMs,
      files: Object.fromEntries(view.files),
      stdin: false,
      exec: this.world(world, ctx, view, input, mulberry32(seed)),
    }, { horizon: STEP_HORIZON, analyze: false });
  }

  /** Program mode: (re)runs the whole command with the stdin so far; sends only what is new. */
  private runProgram(world: ExecWorldInput): ExecStep {
    const frozen = this.frozen!;
    const ctx = world.podContext(world.pod);
    if (!ctx) return { chunks: [], writes: [] };
    let list: List;
    if (this.shell?.script !== undefined) {
      try {
        list = parseScript(this.shell.script);
      } catch (e) {
        if (!(e instanceof ShellSyntaxError)) throw e;
        this.ended = true;
        return { chunks: [{ at: 0, stream: "stderr", text: `${this.syntaxError(e.message)}\n` }], writes: [], end: { at: 0, code: 2 } };
      }
    } else {
      list = [{ first: { negate: false, commands: [{ kind: "simple", assigns: [], words: this.options.command.map(literalWord), redirects: [] }] }, rest: [], background: false }];
    }
    this.lineNo = 1;
    this.state.vars = {};
    this.state.cwd = this.land.workdir;
    this.state.status = 0;
    const result = this.run(list, world, ctx, frozen.view, { ...this.input }, frozen.now, frozen.seed);
    const all = result.printed.map((p) => this.chunk(p));
    const fresh = all.slice(this.sent);
    this.sent = all.length;
    const base = this.lastAt;
    const chunks = fresh.map((c) => ({ ...c, at: Math.max(0, c.at - base) }));
    if (fresh.length) this.lastAt = fresh[fresh.length - 1].at;
    if (result.needsInput) return { chunks, writes: [] };
    const writes = result.fileState ? execWrites(frozen.view.files, result.fileState, world.now) : [];
    if (!result.exit) return { chunks, writes };
    this.ended = true;
    return { chunks, writes, end: { at: Math.max(0, result.exit.at - base), code: result.exit.code } };
  }

  /** Interactive mode: runs each complete line against the container's files now. */
  private lines(lines: string[], world: ExecWorldInput): ExecStep {
    let step: ExecStep = { chunks: [], writes: [] };
    for (const line of lines) {
      if (this.ended) break;
      step = this.merge(step, this.line(line, world));
    }
    return step;
  }

  private line(line: string, world: ExecWorldInput): ExecStep {
    const ctx = world.podContext(world.pod);
    if (!ctx) return { chunks: [], writes: [] };
    this.lineNo++;
    const source = this.pendingLines + line;
    let list: List;
    try {
      list = parseScript(source);
      this.pendingLines = "";
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      if (/^(unterminated|expected)/.test(e.message)) {
        this.pendingLines = source;
        return { chunks: this.promptChunk(), writes: [] };
      }
      this.pendingLines = "";
      this.state.status = 2;
      return { chunks: [this.chunk({ at: 0, stream: "stderr", text: `${this.syntaxError(e.message)}\n` }), ...this.promptChunk()], writes: [] };
    }
    if (list.length === 0) return { chunks: this.promptChunk(), writes: [] };
    const view = fileView(ctx, this.options.container, world.now);
    const result = this.run(list, world, ctx, view, { text: "", eof: true }, world.now, this.seed + this.lineNo);
    const chunks = result.printed.map((p) => this.chunk(p));
    const writes = result.fileState ? execWrites(view.files, result.fileState, world.now) : [];
    if (result.exit && result.exitCalled) {
      this.ended = true;
      // An interactive bash says so as it leaves (on stderr, which a TTY shows).
      if (this.shell?.kind === "bash") chunks.push(this.chunk({ at: result.exit.at, stream: "stderr", text: "exit\n" }));
      return { chunks, writes, end: { at: result.exit.at, code: result.exit.code } };
    }
    const end = Math.max(0, result.exit?.at ?? STEP_HORIZON);
    return { chunks: [...chunks, ...this.promptChunk().map((c) => ({ ...c, at: end }))], writes };
  }

  private syntaxError(message: string): string {
    const kind = this.shell?.kind ?? "dash";
    const arg0 = this.shell?.arg0 ?? "sh";
    if (kind === "ash") return `${arg0}: syntax error: ${message}`;
    if (kind === "bash") return `bash: -c: line 1: syntax error: ${message}`;
    return `${arg0}: ${Math.max(1, this.lineNo)}: Syntax error: ${message}`;
  }

  /** An output chunk as the client gets it: with a TTY, stderr joins stdout and newlines become \r\n. */
  private chunk(p: { at: number; text: string; stream?: "stdout" | "stderr" }): Chunk {
    if (!this.options.tty) return { at: p.at, stream: p.stream ?? "stdout", text: p.text };
    return { at: p.at, stream: "stdout", text: p.text.replace(/\r?\n/g, "\r\n") };
  }
}

/**
 * The pod with the running instance of `container` changed in its runtime record — what the API server
 * commits (through pods/status, as the kubelet writes the record) after an exec changed files or an
 * attached shell ended. Undefined when that instance is gone (the container restarted meanwhile).
 */
export function withInstance(pod: KObject, container: string, instanceId: string | undefined, change: (instance: Instance) => void): KObject | undefined {
  const record = readRecord(pod);
  const rec = record?.containers.find((c) => c.name === container);
  if (!record || !rec?.current || (instanceId !== undefined && rec.current.id !== instanceId)) return undefined;
  change(rec.current);
  return { ...pod, metadata: { ...pod.metadata, annotations: { ...(pod.metadata.annotations ?? {}), [SANDBOX_ANNOTATION]: encodeRecord(record) } } };
}

/** Files an exec changed, kept with the instance (bounded). */
export const addWrites = (writes: FileWrite[]) => (instance: Instance) => {
  instance.files = appendWrites(instance.files, writes);
};

/** The attached process ended (its shell exited, or read end-of-file): the kubelet sees the container exit. */
export const endProcess = (at: number, code: number) => (instance: Instance) => {
  instance.ended ??= { at, code };
};

/**
 * The interactive program a container runs, for `kubectl attach` (and `kubectl run -it`): its shell
 * when it keeps stdin open (`stdin: true`) and runs one — `sh`, `bash`, or a shell image's default.
 */
export function attachedShell(ctx: PodContext, container: string): string[] | undefined {
  const spec = ctx.spec(container).container;
  const behaviour = ctx.behaviour(container);
  if (!spec.stdin || behaviour.kind !== "shell") return undefined;
  if (behaviour.argv.length) return behaviour.argv;
  return [userlandOf(behaviour.image).sh === "ash" ? "sh" : "bash"];
}

/** The id of the running instance of `container` (exec writes belong to it). */
export function runningInstance(pod: KObject, container: string): string | undefined {
  return readRecord(pod)?.containers.find((c) => c.name === container)?.current?.id;
}

/** One command, no stdin, to the end: for tests and scripts. */
export function execOnce(world: ExecWorldInput, options: Omit<ExecOptions, "stdin" | "tty"> & { stdin?: string; tty?: boolean }, seed = 1): { stdout: string; stderr: string; code?: number; failure?: string; writes: FileWrite[] } {
  const process = new ExecProcess({ ...options, stdin: options.stdin !== undefined, tty: options.tty ?? false }, world.pod, seed);
  const steps = [process.start(world)];
  if (options.stdin !== undefined && !process.done) {
    steps.push(process.write(options.stdin, world));
    if (!process.done) steps.push(process.closeInput(world));
  }
  const chunks = steps.flatMap((s) => s.chunks);
  const end = steps.find((s) => s.end)?.end;
  return {
    stdout: chunks.filter((c) => c.stream === "stdout").map((c) => c.text).join(""),
    stderr: chunks.filter((c) => c.stream === "stderr").map((c) => c.text).join(""),
    code: end && "code" in end ? end.code : undefined,
    failure: end && "failure" in end ? end.failure : undefined,
    writes: steps.flatMap((s) => s.writes),
  };
}
