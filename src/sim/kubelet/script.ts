/**
 * Runs a parsed container command on a virtual clock: `sleep` advances time, everything else is
 * instant. What comes out is what the rest of the simulation needs to know about the process —
 * the lines it printed and when, files it created or removed (for exec probes), requests it sent
 * (load generators), whether and when it exits and with what code.
 *
 * Loops that never end (`while true`, `while sleep N`, an `until` waiting on something that is
 * not there yet) are the normal case for containers, so a run is bounded by a horizon and a step
 * budget; in "analyze" mode an endless loop whose body prints nothing stops after one iteration
 * (every later iteration is the same), which is how a load generator's request rate is measured.
 */
import { breaksOut, isAlwaysTrue } from "./analysis";
import { basename, formatDate, numbersAfter, parseSleep, printf, qualify, testExpression, textFilter, unescape } from "./coreutils";
import { type HttpAnswer, NeedInput, runTool, type ToolIO } from "./execTools";
import { hexId } from "./hash";
import { type AndOr, type Command, type List, type Pipeline, type Simple, type Word, ShellSyntaxError, parseScript } from "./shell";

export interface Printed {
  /** Seconds since the process started. */
  at: number;
  text: string;
  /** Exec mode only: which stream (a container's log holds both, so other runs leave it out). */
  stream?: "stdout" | "stderr";
}

export interface FileChange {
  at: number;
  path: string;
  exists: boolean;
  /** What was written, when it came to exist. */
  content?: string;
}

/**
 * A person at a shell in the container (`kubectl exec`) rather than the container's own process:
 * output is kept as raw chunks with stdout and stderr apart, commands the image lacks are "not found",
 * paths are relative to a working directory, stdin is real, and HTTP clients get answers.
 */
export interface ExecWorld {
  flavour: "busybox" | "gnu";
  /** Whether the image has this command (a name looked up on PATH, or a path). */
  has(command: string): boolean;
  /** The shell's complaint about a command it cannot find (no newline). */
  notFound(command: string): string;
  /** Directories that exist (files imply their parents). */
  dirs: Set<string>;
  podIP: string;
  fetch(url: string): HttpAnswer;
  /** What cluster DNS answers for `name` (through the pod's search path): addresses and their PTR names. */
  dns(name: string): { ip: string; ptr?: string }[];
  /** stdin so far, and whether the client has closed it. */
  input: { text: string; eof: boolean };
  /** Variables, working directory and last status carried from line to line of an interactive shell. */
  shell: ShellState;
}

export interface ShellState {
  vars: Record<string, string>;
  /** Names exported beyond the process environment (what `env` lists). */
  exported: string[];
  cwd: string;
  status: number;
}

/** Outside facts a script can wait on: DNS names of Services, for now. */
export interface Oracle {
  /** The ClusterIP a name resolves to at `at` seconds since start, or undefined (NXDOMAIN). */
  resolve(name: string, at: number): string | undefined;
  /** From when (seconds since start) the name resolves, if it is known to; undefined: not (yet). */
  resolvesAt(name: string): number | undefined;
}

export interface ProcessContext {
  /** Environment of the container (already resolved from the pod spec). */
  env: Record<string, string>;
  hostname: string;
  namespace: string;
  /** Absolute start time (ms since the epoch) for `date`; 0 when only durations matter. */
  startMs: number;
  /** Wall-clock milliseconds per simulated second (1000 unless the profile compresses time). */
  secondMs?: number;
  /** Files that exist before the process starts (mounted volumes, the service account token…). */
  files: Record<string, string>;
  /** Whether stdin is attached and open (`stdin: true`): a shell or `cat` then waits forever. */
  stdin: boolean;
  oracle?: Oracle;
  /** Set when a person runs the command (kubectl exec); see ExecWorld. */
  exec?: ExecWorld;
}

/** Commands that start a long-running server (they never return). */
export interface ServerProcess {
  at: number;
  ports: number[];
}

export interface RunResult {
  printed: Printed[];
  files: FileChange[];
  /** Distinct URLs requested, with the rate at which an endless loop requests them. */
  requests: { url: string; perSecond?: number }[];
  /** Names looked up that did not resolve (what an `until nslookup …` loop waits for). */
  waitingFor: string[];
  server?: ServerProcess;
  /** Set when the process exits within the horizon. */
  exit?: { at: number; code: number };
  /** True when the process provably never exits by itself (endless loop, server, sleep infinity). */
  forever: boolean;
  /** Exec mode: the files when it stopped (undefined: removed). */
  fileState?: Map<string, string | undefined>;
  /** Exec mode: it stopped to wait for stdin that has not come yet. */
  needsInput?: boolean;
  /** It ended by the `exit` builtin (an interactive shell then ends too). */
  exitCalled?: boolean;
}

export interface RunOptions {
  /** Stop once the clock passes this many seconds. */
  horizon: number;
  /** Analyze mode: stop endless loops after one iteration when their body prints nothing. */
  analyze: boolean;
  /** Only keep printed lines at or after this time (the rest are still executed for their state). */
  printFrom?: number;
  maxSteps?: number;
}

class Exit {
  constructor(readonly code: number) {}
}
class Halt {
  constructor(readonly forever: boolean) {}
}
class Break {
  constructor(readonly continueLoop: boolean) {}
}

const SERVER_COMMANDS: Record<string, number[]> = {
  nginx: [80],
  httpd: [80],
  "httpd-foreground": [80],
  "apache2-foreground": [80],
  "redis-server": [6379],
  postgres: [5432],
  "docker-entrypoint.sh": [],
  mysqld: [3306],
  "php-fpm": [9000],
  gunicorn: [8000],
  uvicorn: [8000],
  java: [8080],
  "/agnhost": [8080],
  agnhost: [8080],
};

/** Output one exec may produce (characters): beyond it the process is stopped. */
const EXEC_OUTPUT_LIMIT = 4 * 1024 * 1024;

/** Commands a shell runs itself: found whatever the image holds. */
const SHELL_BUILTINS = new Set([
  ":", "true", "false", "exit", "break", "continue", "echo", "printf", "export", "readonly", "local", "unset", "read",
  "cd", "pwd", "test", "[", "exec", "set", "shift", "return", "type", "command", "alias", "wait", "trap", "eval", "source", ".",
]);

/** Runs `list` from time 0 with `ctx`; see RunOptions for the bounds. */
export function runScript(list: List, ctx: ProcessContext, options: RunOptions): RunResult {
  const machine = new Machine(ctx, options);
  return machine.run(list);
}

class Machine {
  private t = 0;
  private steps = 0;
  private status = 0;
  private readonly vars = new Map<string, string>();
  private readonly fileState = new Map<string, string | undefined>();
  private readonly out: RunResult = { printed: [], files: [], requests: [], waitingFor: [], forever: false };
  private pending = "";
  /** Output capture stack for `$(…)` and pipelines; empty means the container's stdout. */
  private readonly captures: string[][] = [];
  private readonly maxSteps: number;
  /** Exec mode: where stderr goes for the command being run (2>/dev/null, 2>&1). */
  private stderrTo: "stderr" | "null" | "stdout" = "stderr";
  private cwd = "/";
  private readonly dirs = new Set<string>();
  private readonly exported = new Set<string>();
  /** Exec mode: how much of stdin has been read, and how much output written. */
  private consumed = 0;
  private emitted = 0;

  constructor(
    private readonly ctx: ProcessContext,
    private readonly options: RunOptions,
  ) {
    for (const [k, v] of Object.entries(ctx.env)) this.vars.set(k, v);
    if (!this.vars.has("HOSTNAME")) this.vars.set("HOSTNAME", ctx.hostname);
    for (const [path, content] of Object.entries(ctx.files)) this.fileState.set(path, content);
    this.maxSteps = options.maxSteps ?? 200_000;
    const shell = ctx.exec?.shell;
    if (shell) {
      for (const [k, v] of Object.entries(shell.vars)) this.vars.set(k, v);
      for (const name of shell.exported) this.exported.add(name);
      this.cwd = shell.cwd;
      this.status = shell.status;
      for (const dir of ctx.exec!.dirs) this.dirs.add(dir);
    }
  }

  run(list: List): RunResult {
    try {
      this.list(list);
      this.finish(this.status);
    } catch (e) {
      if (e instanceof Exit) {
        this.finish(e.code);
        this.out.exitCalled = true;
      } else if (e instanceof Halt) {
        this.flushPending();
        this.out.forever = e.forever;
      } else if (e instanceof Break) this.finish(this.status);
      else if (e instanceof NeedInput) this.out.needsInput = true;
      else throw e;
    }
    const shell = this.ctx.exec?.shell;
    if (shell) {
      // What the next line of an interactive shell starts from.
      const env = new Set(Object.keys(this.ctx.env));
      shell.vars = Object.fromEntries([...this.vars].filter(([k, v]) => !env.has(k) || this.ctx.env[k] !== v));
      shell.exported = [...this.exported];
      shell.cwd = this.cwd;
      shell.status = this.out.exit?.code ?? this.status;
      this.out.fileState = this.fileState;
    }
    return this.out;
  }

  private finish(code: number): void {
    this.flushPending();
    this.out.exit = { at: this.t, code: code & 255 };
  }

  // ---- output -------------------------------------------------------------------------------

  private write(text: string): void {
    const capture = this.captures[this.captures.length - 1];
    if (capture) {
      capture.push(text);
      return;
    }
    if (this.ctx.exec) return this.emitExec(text, "stdout");
    const chunks = (this.pending + text).split("\n");
    this.pending = chunks.pop()!;
    for (const line of chunks) this.emit(line);
  }

  /** An error message: the log holds it with stdout; exec keeps it apart (or as 2> redirects it). */
  private writeErr(text: string): void {
    if (!this.ctx.exec || this.stderrTo === "stdout") return this.write(text);
    if (this.stderrTo === "null") return;
    this.emitExec(text, "stderr");
  }

  /** Exec mode: output as it is written; a flood (`seq 1 100000000`) stops the process, as a closed pipe would. */
  private emitExec(text: string, stream: "stdout" | "stderr"): void {
    if (!text || this.t > this.options.horizon) return;
    this.emitted += text.length;
    if (this.emitted > EXEC_OUTPUT_LIMIT) throw new Halt(false);
    this.out.printed.push({ at: this.t, text, stream });
  }

  /** A path as the process means it: relative ones from the working directory (exec mode). */
  private path(path: string): string {
    if (!this.ctx.exec) return path;
    const parts: string[] = [];
    for (const part of (path.startsWith("/") ? path : `${this.cwd}/${path}`).split("/")) {
      if (part === "" || part === ".") continue;
      if (part === "..") parts.pop();
      else parts.push(part);
    }
    return `/${parts.join("/")}`;
  }

  private isDir(path: string): boolean {
    if (path === "/" || this.dirs.has(path)) return true;
    for (const [p, content] of this.fileState) if (content !== undefined && p.startsWith(`${path}/`)) return true;
    for (const d of this.dirs) if (d.startsWith(`${path}/`)) return true;
    return false;
  }

  private flushPending(): void {
    if (this.pending) this.emit(this.pending);
    this.pending = "";
  }

  private emit(text: string): void {
    if (this.options.printFrom !== undefined && this.t < this.options.printFrom) return;
    if (this.t > this.options.horizon) return;
    this.out.printed.push({ at: this.t, text });
  }

  private capture(fn: () => void): string {
    const buffer: string[] = [];
    this.captures.push(buffer);
    try {
      fn();
    } finally {
      this.captures.pop();
    }
    return buffer.join("");
  }

  // ---- time ---------------------------------------------------------------------------------

  private advance(seconds: number): void {
    if (!Number.isFinite(seconds)) throw new Halt(true);
    this.t += seconds;
    if (this.t > this.options.horizon) throw new Halt(false);
  }

  private tick(): void {
    if (++this.steps > this.maxSteps) throw new Halt(false);
  }

  private setFile(path: string, content: string | undefined): void {
    const existed = this.fileState.get(path) !== undefined;
    this.fileState.set(path, content);
    const exists = content !== undefined;
    if (existed !== exists) this.out.files.push({ at: this.t, path, exists, ...(exists ? { content } : {}) });
  }

  // ---- structure ----------------------------------------------------------------------------

  private list(list: List): number {
    for (const item of list) this.andOr(item);
    return this.status;
  }

  private andOr(item: AndOr): void {
    if (item.background) {
      // A background job runs alongside; its output and effects are kept, its time is not.
      const before = this.t;
      try {
        this.pipeline(item.first);
      } catch (e) {
        if (!(e instanceof Halt) || this.t > this.options.horizon) throw e;
      }
      this.t = before;
      this.status = 0;
      return;
    }
    this.pipeline(item.first);
    for (const { op, pipeline } of item.rest) {
      if ((op === "&&") === (this.status === 0)) this.pipeline(pipeline);
    }
  }

  private pipeline(p: Pipeline): void {
    if (p.commands.length === 1) {
      this.command(p.commands[0]);
    } else {
      let input = this.capture(() => this.command(p.commands[0]));
      for (const cmd of p.commands.slice(1)) {
        const argv = cmd.kind === "simple" ? cmd.words.flatMap((w) => this.expand(w)) : [];
        const result = textFilter(argv, input);
        for (const [file, content] of result.files) this.setFile(file, content);
        this.status = result.status;
        input = result.output;
      }
      this.write(input);
    }
    if (p.negate) this.status = this.status === 0 ? 1 : 0;
  }

  private command(cmd: Command): void {
    this.tick();
    switch (cmd.kind) {
      case "simple":
        return this.simple(cmd);
      case "group":
        this.list(cmd.body);
        return;
      case "if":
        for (const branch of cmd.branches) {
          if (this.list(branch.cond) === 0) {
            this.list(branch.body);
            return;
          }
        }
        if (cmd.otherwise) this.list(cmd.otherwise);
        else this.status = 0;
        return;
      case "for": {
        const items = cmd.items.flatMap((w) => this.expand(w));
        for (const item of items) {
          this.vars.set(cmd.name, item);
          try {
            this.list(cmd.body);
          } catch (e) {
            if (!(e instanceof Break)) throw e;
            if (!e.continueLoop) break;
          }
        }
        return;
      }
      case "loop":
        return this.loop(cmd.until, cmd.cond, cmd.body);
    }
  }

  private loop(until: boolean, cond: List, body: List): void {
    const endless = !until && isAlwaysTrue(cond) && !breaksOut(body);
    for (let iteration = 0; ; iteration++) {
      this.tick();
      const start = this.t;
      const unresolved = this.out.waitingFor.length;
      const ok = this.list(cond) === 0;
      if (ok === until) break;
      const blocked = this.out.waitingFor.slice(unresolved).some((name) => this.ctx.oracle?.resolvesAt(name) === undefined);
      try {
        this.list(body);
      } catch (e) {
        if (!(e instanceof Break)) throw e;
        if (!e.continueLoop) break;
      }
      const period = this.t - start;
      if (this.options.analyze && (endless || blocked)) {
        // Every later iteration repeats this one (as far as exit, files and requests go): measure it and stop.
        const perSecond = period > 0 ? 1 / period : 100;
        for (const r of this.out.requests) r.perSecond = (r.perSecond ?? 0) + perSecond;
        throw new Halt(endless);
      }
      if (period === 0 && iteration > 1000) throw new Halt(endless); // a busy loop: no time ever passes
    }
    this.status = 0;
  }

  // ---- expansion ----------------------------------------------------------------------------

  /** Expands a word into fields (unquoted expansions split on whitespace). */
  private expand(word: Word): string[] {
    const fields: string[] = [];
    let current = "";
    let hasContent = false;
    for (const part of word) {
      let value: string;
      switch (part.t) {
        case "lit":
          current += part.v;
          hasContent = true;
          continue;
        case "var":
          value = this.variable(part.name) ?? (part.fallback ? this.expand(part.fallback).join(" ") : "");
          break;
        case "cmd":
          value = this.capture(() => this.list(part.script)).replace(/\n+$/, "");
          break;
        case "arith":
          value = String(this.arith(part.expr));
          break;
      }
      if (part.quoted) {
        current += value;
        hasContent = true;
      } else {
        const pieces = value.split(/[ \t\n]+/);
        pieces.forEach((piece, i) => {
          if (i > 0) {
            if (hasContent || current) fields.push(current);
            current = "";
            hasContent = false;
          }
          current += piece;
          if (piece) hasContent = true;
        });
      }
    }
    if (hasContent || current) fields.push(current);
    return fields;
  }

  private variable(name: string): string | undefined {
    switch (name) {
      case "?":
        return String(this.status);
      case "$":
        return "1";
      case "RANDOM":
        return String(parseInt(hexId(`random:${this.steps}:${this.t}`, 4), 16) % 32768);
      case "#":
        return "0";
    }
    return this.vars.get(name);
  }

  /** $(( … )): integer arithmetic with + - * / % comparisons and parentheses. */
  private arith(expr: string): number {
    const tokens = expr.match(/\d+|[A-Za-z_$][A-Za-z0-9_]*|==|!=|<=|>=|&&|\|\||[-+*/%()<>!]/g) ?? [];
    let i = 0;
    const value = (token: string): number => {
      const name = token.replace(/^\$/, "");
      return /^\d+$/.test(token) ? Number(token) : Number(this.vars.get(name) ?? 0) || 0;
    };
    const primary = (): number => {
      const tok = tokens[i++];
      if (tok === "(") {
        const v = or();
        i++;
        return v;
      }
      if (tok === "-") return -primary();
      if (tok === "+") return primary();
      if (tok === "!") return primary() ? 0 : 1;
      return tok === undefined ? 0 : value(tok);
    };
    const binary = (next: () => number, ops: Record<string, (a: number, b: number) => number>) => (): number => {
      let left = next();
      while (tokens[i] in ops) {
        const op = ops[tokens[i++]];
        left = op(left, next());
      }
      return left;
    };
    const mul = binary(primary, { "*": (a, b) => a * b, "/": (a, b) => (b ? Math.trunc(a / b) : 0), "%": (a, b) => (b ? a % b : 0) });
    const add = binary(mul, { "+": (a, b) => a + b, "-": (a, b) => a - b });
    const cmp = binary(add, { "<": (a, b) => +(a < b), ">": (a, b) => +(a > b), "<=": (a, b) => +(a <= b), ">=": (a, b) => +(a >= b) });
    const eq = binary(cmp, { "==": (a, b) => +(a === b), "!=": (a, b) => +(a !== b) });
    const and = binary(eq, { "&&": (a, b) => +(a !== 0 && b !== 0) });
    const or = binary(and, { "||": (a, b) => +(a !== 0 || b !== 0) });
    return or();
  }

  // ---- commands -----------------------------------------------------------------------------

  private simple(cmd: Simple): void {
    const argv = cmd.words.flatMap((w) => this.expand(w));
    if (argv.length === 0) {
      for (const a of cmd.assigns) this.vars.set(a.name, this.expand(a.value).join(" "));
      this.status = 0;
      return;
    }
    const saved = cmd.assigns.map((a) => [a.name, this.vars.get(a.name)] as const);
    for (const a of cmd.assigns) this.vars.set(a.name, this.expand(a.value).join(" "));
    const stderrBefore = this.stderrTo;
    const errTo = cmd.redirects.find((r) => r.op === "2>" || r.op === "2>&1" || r.op === "&>");
    if (errTo) this.stderrTo = errTo.op === "2>&1" || errTo.op === "&>" ? "stdout" : errTo.target && this.expand(errTo.target).join(" ") === "/dev/null" ? "null" : this.stderrTo;
    const out = cmd.redirects.find((r) => r.op === ">" || r.op === ">>" || r.op === "1>" || r.op === "&>" || r.op === "1>>");
    try {
      if (out?.target) {
        const file = this.path(this.expand(out.target).join(" "));
        const previous = out.op.endsWith(">>") ? (this.fileState.get(file) ?? "") : "";
        const text = this.capture(() => this.builtin(argv));
        if (file !== "/dev/null" && file !== "/dev/stderr" && file !== "/dev/stdout") this.setFile(file, previous + text);
        else if (file === "/dev/stderr") this.writeErr(text);
        else if (file === "/dev/stdout") this.write(text);
      } else if (cmd.redirects.some((r) => r.op === ">&2" || r.op === "1>&2")) {
        this.writeErr(this.capture(() => this.builtin(argv)));
      } else {
        this.builtin(argv);
      }
    } finally {
      this.stderrTo = stderrBefore;
    }
    for (const [name, value] of saved) {
      if (value === undefined) this.vars.delete(name);
      else this.vars.set(name, value);
    }
  }

  private builtin(argv: string[]): void {
    const [raw, ...args] = argv;
    const name = basename(raw);
    this.status = 0;
    const world = this.ctx.exec;
    if (world) {
      if (!SHELL_BUILTINS.has(raw) && !world.has(raw)) {
        this.writeErr(`${world.notFound(raw)}\n`);
        this.status = 127;
        return;
      }
      if (runTool(name, args, this.toolIO())) return;
    }
    switch (name) {
      case ":":
      case "true":
        return;
      case "false":
        this.status = 1;
        return;
      case "exit":
        throw new Exit(args[0] !== undefined ? Number(args[0]) || 0 : this.status);
      case "break":
      case "continue":
        throw new Break(name === "continue");
      case "sleep":
        this.advance(args.reduce((sum, a) => sum + parseSleep(a), 0));
        return;
      case "echo":
        return this.echo(args);
      case "printf":
        this.write(printf(args[0] ?? "", args.slice(1)));
        return;
      case "date":
        this.write(`${formatDate(this.ctx.startMs + this.t * (this.ctx.secondMs ?? 1000), args[0])}\n`);
        return;
      case "hostname":
        this.write(`${this.ctx.hostname}\n`);
        return;
      case "env":
      case "printenv": {
        if (args.length && name === "printenv") {
          // Each named variable's value on its own line; 1 if any is unset.
          this.status = 0;
          for (const arg of args) {
            const v = this.vars.get(arg);
            if (v === undefined) this.status = 1;
            else this.write(`${v}\n`);
          }
          return;
        }
        if (args.length && name === "env") return this.builtin(args.filter((a) => !a.includes("=")));
        const names = [...Object.keys(this.ctx.env), ...this.exported];
        for (const key of new Set(names)) if (this.vars.has(key)) this.write(`${key}=${this.vars.get(key) ?? ""}\n`);
        if (!this.ctx.exec) this.write(`HOSTNAME=${this.ctx.hostname}\n`);
        return;
      }
      case "export":
      case "readonly":
      case "local":
        for (const a of args) {
          const eq = a.indexOf("=");
          if (eq > 0) this.vars.set(a.slice(0, eq), a.slice(eq + 1));
          if (name === "export") this.exported.add(eq > 0 ? a.slice(0, eq) : a);
        }
        return;
      case "unset":
        for (const a of args) this.vars.delete(a);
        return;
      case "touch":
        for (const f of args.filter((a) => !a.startsWith("-")).map((a) => this.path(a))) if (this.fileState.get(f) === undefined) this.setFile(f, "");
        return;
      case "rm":
        for (const arg of args.filter((a) => !a.startsWith("-"))) {
          const f = this.path(arg);
          if (this.fileState.get(f) === undefined && !args.some((a) => /^-\w*f/.test(a))) {
            const gnu = this.ctx.exec?.flavour === "gnu";
            this.writeErr(gnu ? `rm: cannot remove '${arg}': No such file or directory\n` : `rm: can't remove '${arg}': No such file or directory\n`);
            this.status = 1;
          }
          this.setFile(f, undefined);
        }
        return;
      case "cat":
        return this.cat(args);
      case "ls":
        return this.ls(args);
      case "test":
      case "[":
        this.status = testExpression(name === "[" ? args.slice(0, -1) : args, (path) => this.exists(this.path(path))) ? 0 : 1;
        return;
      case "seq": {
        const nums = args.map(Number);
        const [first, last] = nums.length >= 2 ? [nums[0], nums[nums.length - 1]] : [1, nums[0] ?? 0];
        const step = nums.length === 3 ? nums[1] : 1;
        for (let n = first; step > 0 ? n <= last : n >= last; n += step) this.write(`${n}\n`);
        return;
      }
      case "wget":
      case "curl":
        return this.request(args);
      case "nslookup":
      case "host":
      case "dig":
      case "getent":
        return this.lookup(name, args);
      case "exec":
        return this.builtin(args);
      case "tail":
        if (args.includes("-f") || args.includes("-F")) throw new Halt(true);
        return;
      case "read":
        if (world) return this.readLine(args);
        if (this.ctx.stdin) throw new Halt(true);
        this.status = 1;
        return;
      case "sh":
      case "bash":
      case "ash":
      case "dash":
        if (world && args[0] === "-c" && args[1] !== undefined) return this.subshell(args[1]);
        if (args.length === 0 && this.ctx.stdin) throw new Halt(true);
        return;
      case "nc":
      case "netcat":
        if (args.some((a) => /^-\w*l/.test(a))) this.serve(numbersAfter(args, "-p"));
        return;
      case "python":
      case "python3":
        if (args[0] === "-m" && args[1] === "http.server") this.serve([Number(args[2]) || 8000]);
        if (args[0] === "-c") {
          const m = /^print\((['"])(.*)\1\)$/.exec((args[1] ?? "").trim());
          if (m) this.write(`${m[2]}\n`);
        }
        return;
    }
    if (name in SERVER_COMMANDS && !(name === "nginx" && args.includes("-s"))) {
      this.serve(SERVER_COMMANDS[name]);
    }
  }

  private serve(ports: number[]): never {
    this.out.server = { at: this.t, ports };
    throw new Halt(true);
  }

  private echo(args: string[]): void {
    let newline = true;
    let escapes = false;
    while (args.length && /^-[neE]+$/.test(args[0])) {
      if (args[0].includes("n")) newline = false;
      if (args[0].includes("e")) escapes = true;
      args = args.slice(1);
    }
    let text = args.join(" ");
    if (escapes) text = unescape(text);
    this.write(newline ? `${text}\n` : text);
  }

  private cat(args: string[]): void {
    const files = args.filter((a) => !a.startsWith("-") || a === "-");
    if (files.length === 0) {
      if (this.ctx.stdin) throw new Halt(true);
      return;
    }
    const world = this.ctx.exec;
    for (const file of files) {
      const content = this.fileState.get(this.path(file));
      if (content !== undefined) this.write(content);
      else if (world) {
        const dir = this.isDir(this.path(file));
        const gnu = world.flavour === "gnu";
        this.writeErr(dir ? (gnu ? `cat: ${file}: Is a directory\n` : `cat: read error: Is a directory\n`) : gnu ? `cat: ${file}: No such file or directory\n` : `cat: can't open '${file}': No such file or directory\n`);
        this.status = 1;
      } else if (this.fileState.has(file) || file.startsWith("/tmp/")) {
        this.write(`cat: can't open '${file}': No such file or directory\n`);
        this.status = 1;
      }
    }
  }

  /** `read [-r] NAME…` from the exec's stdin: one line, or wait for it; status 1 at end of input. */
  private readLine(args: string[]): void {
    const input = this.ctx.exec!.input;
    const rest = input.text.slice(this.consumed);
    const newline = rest.indexOf("\n");
    if (newline < 0 && !input.eof) throw new NeedInput();
    if (newline < 0 && rest === "") {
      this.status = 1;
      return;
    }
    const line = newline < 0 ? rest : rest.slice(0, newline);
    this.consumed += newline < 0 ? rest.length : newline + 1;
    const names = args.filter((a) => !a.startsWith("-"));
    const fields = line.trim().split(/[ \t]+/);
    names.forEach((n, i) => this.vars.set(n, i === names.length - 1 ? fields.slice(i).join(" ") : (fields[i] ?? "")));
    if (names.length === 0) this.vars.set("REPLY", line);
  }

  /** `sh -c '…'` run by hand inside a script: the same interpreter, its exit ending only itself. */
  private subshell(script: string): void {
    let list: List;
    try {
      list = parseScript(script);
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      this.writeErr(`sh: syntax error: ${e.message}\n`);
      this.status = 2;
      return;
    }
    try {
      this.list(list);
    } catch (e) {
      if (!(e instanceof Exit)) throw e;
      this.status = e.code & 255;
    }
  }

  /** The tools' view of this process (exec mode). */
  private toolIO(): ToolIO {
    const world = this.ctx.exec!;
    return {
      flavour: world.flavour,
      cwd: () => this.cwd,
      chdir: (path) => {
        this.cwd = path;
        this.vars.set("PWD", path);
      },
      resolve: (path) => this.path(path),
      read: (path) => this.fileState.get(path),
      write: (path, content) => this.setFile(path, content),
      isDir: (path) => this.isDir(path),
      mkdir: (path) => {
        this.dirs.add(path);
      },
      list: (dir) => {
        const prefix = dir === "/" ? "/" : `${dir}/`;
        const names = new Set<string>();
        for (const [path, content] of this.fileState) if (content !== undefined && path.startsWith(prefix)) names.add(path.slice(prefix.length).split("/")[0]);
        for (const d of this.dirs) if (d.startsWith(prefix) && d !== prefix) names.add(d.slice(prefix.length).split("/")[0]);
        return [...names].filter(Boolean).sort();
      },
      stdin: () => {
        if (!world.input.eof) return undefined;
        const rest = world.input.text.slice(this.consumed);
        this.consumed = world.input.text.length;
        return rest;
      },
      out: (text) => this.write(text),
      err: (text) => this.writeErr(text),
      setStatus: (code) => {
        this.status = code;
      },
      hostname: this.ctx.hostname,
      podIP: world.podIP,
      has: (command) => world.has(command),
      fetch: (url) => world.fetch(url),
    };
  }

  private ls(args: string[]): void {
    const dirs = args.filter((a) => !a.startsWith("-"));
    for (const dir of dirs.length ? dirs : ["."]) {
      const prefix = dir.endsWith("/") ? dir : `${dir}/`;
      const names = new Set<string>();
      for (const [path, content] of this.fileState) {
        if (content === undefined) continue;
        if (path === dir) names.add(dir);
        else if (path.startsWith(prefix)) names.add(path.slice(prefix.length).split("/")[0]);
      }
      if (names.size === 0 && this.fileState.has(dir)) {
        this.write(`ls: ${dir}: No such file or directory\n`);
        this.status = 1;
      }
      for (const n of [...names].sort()) this.write(`${n}\n`);
    }
  }

  /** A file, or a directory holding files (mounted volumes). */
  private exists(path: string): boolean {
    if (this.fileState.get(path) !== undefined) return true;
    if (this.ctx.exec && this.isDir(path)) return true;
    for (const [p, content] of this.fileState) if (content !== undefined && p.startsWith(`${path}/`)) return true;
    return false;
  }

  private request(args: string[]): void {
    const url = args.find((a) => /^(https?:\/\/)?[a-z0-9.-]+(:\d+)?(\/.*)?$/i.test(a) && !a.startsWith("-") && /[a-z]/i.test(a));
    if (!url) return;
    if (!this.out.requests.some((r) => r.url === url)) this.out.requests.push({ url });
  }

  private lookup(tool: string, args: string[]): void {
    const name = args.filter((a) => !a.startsWith("-") && a !== "hosts").pop();
    if (!name) return;
    const world = this.ctx.exec;
    // Each answer with the name its address reverse-resolves to (a PTR record), when it has one.
    let answers: { ip: string; ptr?: string }[];
    if (world) answers = world.dns(name);
    else {
      const ip = this.ctx.oracle?.resolve(name, this.t);
      answers = ip === undefined ? [] : [{ ip, ptr: qualify(name, this.ctx.namespace) }];
    }
    if (answers.length === 0 && !this.out.waitingFor.includes(name)) this.out.waitingFor.push(name);
    if (tool === "nslookup") {
      // busybox 1.28's format, the image the DNS docs use: the name as asked, each address with its PTR.
      this.write("Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n");
      if (answers.length === 0) this.writeErr(`nslookup: can't resolve '${name}'\n`);
      else this.write(`Name:      ${name}\n${answers.map((a, i) => `Address ${i + 1}: ${a.ip}${a.ptr ? ` ${a.ptr}` : ""}\n`).join("")}`);
    } else {
      for (const a of answers) this.write(`${a.ip.padEnd(15)} ${a.ptr ?? name}\n`);
    }
    this.status = answers.length === 0 ? 1 : 0;
  }
}
