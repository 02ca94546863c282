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
import { hexId } from "./hash";
import type { AndOr, Command, List, Pipeline, Simple, Word } from "./shell";

export interface Printed {
  /** Seconds since the process started. */
  at: number;
  text: string;
}

export interface FileChange {
  at: number;
  path: string;
  exists: boolean;
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

  constructor(
    private readonly ctx: ProcessContext,
    private readonly options: RunOptions,
  ) {
    for (const [k, v] of Object.entries(ctx.env)) this.vars.set(k, v);
    if (!this.vars.has("HOSTNAME")) this.vars.set("HOSTNAME", ctx.hostname);
    for (const [path, content] of Object.entries(ctx.files)) this.fileState.set(path, content);
    this.maxSteps = options.maxSteps ?? 200_000;
  }

  run(list: List): RunResult {
    try {
      this.list(list);
      this.finish(this.status);
    } catch (e) {
      if (e instanceof Exit) this.finish(e.code);
      else if (e instanceof Halt) {
        this.flushPending();
        this.out.forever = e.forever;
      } else if (e instanceof Break) this.finish(this.status);
      else throw e;
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
    const chunks = (this.pending + text).split("\n");
    this.pending = chunks.pop()!;
    for (const line of chunks) this.emit(line);
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
    if (existed !== exists) this.out.files.push({ at: this.t, path, exists });
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
    const out = cmd.redirects.find((r) => r.op === ">" || r.op === ">>" || r.op === "1>" || r.op === "&>" || r.op === "1>>");
    if (out?.target) {
      const file = this.expand(out.target).join(" ");
      const previous = out.op.endsWith(">>") ? (this.fileState.get(file) ?? "") : "";
      const text = this.capture(() => this.builtin(argv));
      if (file !== "/dev/null" && file !== "/dev/stderr") this.setFile(file, previous + text);
      else if (file === "/dev/stderr") this.write(text);
    } else {
      this.builtin(argv);
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
          const v = this.vars.get(args[0]);
          if (v === undefined) this.status = 1;
          else this.write(`${v}\n`);
          return;
        }
        if (args.length && name === "env") return this.builtin(args.filter((a) => !a.includes("=")));
        for (const key of Object.keys(this.ctx.env)) this.write(`${key}=${this.vars.get(key) ?? ""}\n`);
        this.write(`HOSTNAME=${this.ctx.hostname}\n`);
        return;
      }
      case "export":
      case "readonly":
      case "local":
        for (const a of args) {
          const eq = a.indexOf("=");
          if (eq > 0) this.vars.set(a.slice(0, eq), a.slice(eq + 1));
        }
        return;
      case "unset":
        for (const a of args) this.vars.delete(a);
        return;
      case "touch":
        for (const f of args.filter((a) => !a.startsWith("-"))) if (this.fileState.get(f) === undefined) this.setFile(f, "");
        return;
      case "rm":
        for (const f of args.filter((a) => !a.startsWith("-"))) {
          if (this.fileState.get(f) === undefined && !args.some((a) => /^-\w*f/.test(a))) {
            this.write(`rm: can't remove '${f}': No such file or directory\n`);
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
        this.status = testExpression(name === "[" ? args.slice(0, -1) : args, (path) => this.exists(path)) ? 0 : 1;
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
        if (this.ctx.stdin) throw new Halt(true);
        this.status = 1;
        return;
      case "sh":
      case "bash":
      case "ash":
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
    for (const file of files) {
      const content = this.fileState.get(file);
      if (content !== undefined) this.write(content);
      else if (this.fileState.has(file) || file.startsWith("/tmp/")) {
        this.write(`cat: can't open '${file}': No such file or directory\n`);
        this.status = 1;
      }
    }
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
    const fqdn = qualify(name, this.ctx.namespace);
    const ip = this.ctx.oracle?.resolve(name, this.t);
    if (ip === undefined && !this.out.waitingFor.includes(name)) this.out.waitingFor.push(name);
    if (tool === "nslookup") {
      // busybox 1.28's format, the image the init-container docs use.
      this.write("Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n");
      this.write(ip === undefined ? `nslookup: can't resolve '${name}'\n` : `Name:      ${fqdn}\nAddress 1: ${ip} ${fqdn}\n`);
    } else if (ip !== undefined) {
      this.write(`${ip}       ${fqdn}\n`);
    }
    this.status = ip === undefined ? 1 : 0;
  }
}
