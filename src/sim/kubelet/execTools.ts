/**
 * The tools a person runs by hand in a container (`kubectl exec`), as the interpreter calls them in
 * exec mode: a file system with directories and a working directory (ls, cd, pwd, mkdir, cat of stdin),
 * who am I (id, whoami, uname, hostname -i, which), and the HTTP clients (curl, wget) against what the
 * pod can reach. Output follows the image's userland: BusyBox applets or GNU coreutils, curl 7.88 and
 * BusyBox wget. The container's own process never gets here (its script runs without an exec world).
 */
import { basename, textFilter } from "./coreutils";

/** What an HTTP request from inside the pod got. */
export type HttpAnswer =
  | { ok: true; ip: string; status: number; reason: string; headers: [string, string][]; body: string }
  /** dns: the name does not resolve; refused: nothing listens (or no ready endpoint); empty: not an HTTP server. */
  | { ok: false; failure: "dns" | "refused" | "empty"; host: string; ip?: string; port: number };

/** The container as a person sees it from a shell (see ExecWorld in script.ts). */
export interface ToolIO {
  flavour: "busybox" | "gnu";
  cwd(): string;
  chdir(path: string): void;
  /** An absolute, normalized path for `path` (relative to the working directory). */
  resolve(path: string): string;
  read(path: string): string | undefined;
  write(path: string, content: string | undefined): void;
  isDir(path: string): boolean;
  mkdir(path: string): void;
  /** Names directly under a directory. */
  list(dir: string): string[];
  /** What is left of stdin; undefined when more may come (the caller then waits for it). */
  stdin(): string | undefined;
  out(text: string): void;
  err(text: string): void;
  setStatus(code: number): void;
  hostname: string;
  podIP: string;
  has(command: string): boolean;
  fetch(url: string): HttpAnswer;
}

/** Thrown when a tool needs stdin that has not arrived yet; the session reruns the command once it has. */
export class NeedInput extends Error {}

/** Runs `name` if it is one of these tools; false lets the interpreter's own builtins take it. */
export function runTool(name: string, args: string[], io: ToolIO): boolean {
  switch (name) {
    case "cd": {
      const target = io.resolve(args[0] ?? "/root");
      if (!io.isDir(target)) {
        io.err(io.flavour === "busybox" ? `sh: cd: can't cd to ${args[0]}: No such file or directory\n` : `sh: 1: cd: can't cd to ${args[0]}\n`);
        io.setStatus(io.flavour === "busybox" ? 1 : 2);
      } else io.chdir(target);
      return true;
    }
    case "pwd":
      io.out(`${io.cwd()}\n`);
      return true;
    case "ls":
      ls(args, io);
      return true;
    case "mkdir":
      for (const dir of args.filter((a) => !a.startsWith("-"))) io.mkdir(io.resolve(dir));
      return true;
    case "cat":
      if (args.some((a) => !a.startsWith("-") || a === "-")) return false;
      io.out(stdinOrWait(io));
      return true;
    case "hostname":
      io.out(`${args.includes("-i") ? io.podIP : io.hostname}\n`);
      return true;
    case "whoami":
      io.out("root\n");
      return true;
    case "id":
      io.out(io.flavour === "busybox" ? "uid=0(root) gid=0(root) groups=0(root),10(wheel)\n" : "uid=0(root) gid=0(root) groups=0(root)\n");
      return true;
    case "uname":
      io.out(args.includes("-a") ? "Linux kubeflare 6.8.0-kubeflare #1 SMP x86_64 GNU/Linux\n" : args.includes("-r") ? "6.8.0-kubeflare\n" : "Linux\n");
      return true;
    case "which": {
      const found = args.filter((a) => io.has(a));
      for (const a of found) io.out(`${a.includes("/") ? a : `/usr/bin/${a}`}\n`);
      io.setStatus(found.length === args.length && args.length > 0 ? 0 : 1);
      return true;
    }
    case "grep":
    case "egrep":
    case "head":
    case "tail":
    case "wc":
    case "sort":
    case "uniq":
    case "tee":
      return filterFiles(name, args, io);
    case "curl":
      curl(args, io);
      return true;
    case "wget":
      wget(args, io);
      return true;
  }
  return false;
}

/**
 * The text filters run on files (`grep web-0 /etc/hosts`, `head -3 server.js`) or on stdin; in a
 * pipeline the interpreter feeds them itself. tee writes its files too.
 */
function filterFiles(name: string, args: string[], io: ToolIO): boolean {
  const operands: number[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "-n" || args[i] === "-e" || args[i] === "-m") i++;
    else if (!args[i].startsWith("-") || args[i] === "-") operands.push(i);
  }
  // grep's first operand is its pattern; tee's operands are where it writes.
  const grep = name === "grep" || name === "egrep";
  const fileAt = new Set(grep ? operands.slice(1) : name === "tee" ? [] : operands);
  let input = fileAt.size === 0 ? stdinOrWait(io) : "";
  for (const i of fileAt) {
    const content = io.read(io.resolve(args[i]));
    if (content === undefined) {
      io.err(`${name}: ${args[i]}: No such file or directory\n`);
      io.setStatus(grep ? 2 : 1);
      return true;
    }
    input += content;
  }
  const result = textFilter([name, ...args.filter((_, i) => !fileAt.has(i))], input);
  for (const [file, content] of result.files) io.write(io.resolve(file), content);
  io.out(result.output);
  io.setStatus(result.status);
  return true;
}


function stdinOrWait(io: ToolIO): string {
  const text = io.stdin();
  if (text === undefined) throw new NeedInput();
  return text;
}

/** ls: names one per line (as when stdout is not a terminal); -a adds . and .., -l is not modelled beyond names. */
function ls(args: string[], io: ToolIO): void {
  const paths = args.filter((a) => !a.startsWith("-"));
  const all = args.some((a) => /^-\w*a/.test(a));
  const targets = paths.length ? paths : ["."];
  targets.forEach((arg, i) => {
    const path = io.resolve(arg);
    if (io.read(path) !== undefined) {
      io.out(`${arg}\n`);
      return;
    }
    if (!io.isDir(path)) {
      io.err(io.flavour === "busybox" ? `ls: ${arg}: No such file or directory\n` : `ls: cannot access '${arg}': No such file or directory\n`);
      io.setStatus(io.flavour === "busybox" ? 1 : 2);
      return;
    }
    if (targets.length > 1) io.out(`${i > 0 ? "\n" : ""}${arg}:\n`);
    const names = io.list(path);
    for (const name of all ? [".", "..", ...names] : names.filter((n) => !n.startsWith("."))) io.out(`${name}\n`);
  });
}

/** The URL argument of an HTTP client: the first operand that is not a flag's value. */
function urlOperand(args: string[], valued: Set<string>): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (valued.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith("-")) continue;
    return a;
  }
  return undefined;
}

function flagValue(args: string[], ...names: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    for (const name of names) {
      if (args[i] === name) return args[i + 1];
      if (name.startsWith("--") && args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
      if (!name.startsWith("--") && args[i].startsWith(name) && args[i].length > name.length && !args[i].startsWith("--")) return args[i].slice(name.length);
    }
  }
  return undefined;
}

const hostOf = (url: string) => /^(?:[a-z]+:\/\/)?(\[[^\]]+\]|[^/:?#]+)/i.exec(url)?.[1] ?? url;
const portOf = (url: string) => {
  const m = /^(?:([a-z]+):\/\/)?(?:\[[^\]]+\]|[^/:?#]+)(?::(\d+))?/i.exec(url);
  return m?.[2] ? Number(m[2]) : m?.[1] === "https" ? 443 : 80;
};

const CURL_VALUED = new Set(["-o", "--output", "-H", "--header", "-X", "--request", "-d", "--data", "-m", "--max-time", "--connect-timeout", "-w", "--write-out", "-u", "--user", "-A", "--user-agent", "-e", "--referer", "--resolve", "-x", "--proxy"]);

/** curl 7.88 (Debian bookworm): the body, -I/-i headers, -o FILE, -s/-S, -f, -w '%{http_code}', and its errors. */
function curl(args: string[], io: ToolIO): void {
  const short = args.filter((a) => /^-[a-zA-Z]+$/.test(a)).join("");
  const silent = short.includes("s") || args.includes("--silent");
  const showError = short.includes("S") || args.includes("--show-error");
  const head = short.includes("I") || args.includes("--head");
  const include = short.includes("i") || args.includes("--include");
  const fail = short.includes("f") || args.includes("--fail");
  const url = urlOperand(args, CURL_VALUED);
  if (!url) {
    io.err("curl: try 'curl --help' or 'curl --manual' for more information\n");
    io.setStatus(2);
    return;
  }
  const answer = io.fetch(url);
  if (!answer.ok) {
    const [code, text] = answer.failure === "dns"
      ? [6, `Could not resolve host: ${answer.host}`]
      : answer.failure === "empty"
        ? [52, "Empty reply from server"]
        : [7, `Failed to connect to ${answer.host} port ${answer.port} after 0 ms: Couldn't connect to server`];
    if (!silent || showError) io.err(`curl: (${code}) ${text}\n`);
    io.setStatus(code);
    return;
  }
  const headerText = `HTTP/1.1 ${answer.status} ${answer.reason}\r\n${answer.headers.map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`;
  if (fail && answer.status >= 400) {
    if (!silent || showError) io.err(`curl: (22) The requested URL returned error: ${answer.status}\n`);
    io.setStatus(22);
    return;
  }
  const output = head ? headerText : `${include ? headerText : ""}${answer.body}`;
  const file = flagValue(args, "-o", "--output");
  if (file && file !== "-") {
    if (file !== "/dev/null") io.write(io.resolve(file), output);
  } else io.out(output);
  const format = flagValue(args, "-w", "--write-out");
  if (format) io.out(format.replace(/%\{http_code\}/g, String(answer.status)).replace(/\\n/g, "\n"));
}

const WGET_VALUED = new Set(["-O", "--output-document", "-T", "--timeout", "-U", "--user-agent", "--header", "-Y"]);

/** BusyBox wget: -q, -O FILE / -O- / -qO-, --spider, -T; saves to the URL's file name (index.html) by default. */
function wget(args: string[], io: ToolIO): void {
  const expanded = args.flatMap((a) => (/^-[qS]+O.*$/.test(a) ? [...a.slice(1, a.indexOf("O")).split("").map((c) => `-${c}`), `-O${a.slice(a.indexOf("O") + 1)}`] : [a]));
  const quiet = expanded.some((a) => /^-\w*q/.test(a) && !a.startsWith("-O")) || expanded.includes("--quiet");
  const spider = expanded.includes("--spider");
  const target = flagValue(expanded, "-O", "--output-document");
  const url = urlOperand(expanded.map((a) => (/^-O.+/.test(a) ? "-O-" : a)), WGET_VALUED);
  if (!url) {
    io.err("BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[--no-check-certificate] [-P DIR] [-U AGENT] [-T SEC] URL...\n");
    io.setStatus(1);
    return;
  }
  const host = hostOf(url);
  const answer = io.fetch(url);
  if (!answer.ok) {
    io.err(answer.failure === "dns"
      ? `wget: bad address '${host}'\n`
      : answer.failure === "empty"
        ? "wget: error getting response\n"
        : `wget: can't connect to remote host (${answer.ip ?? host}): Connection refused\n`);
    io.setStatus(1);
    return;
  }
  const name = target ?? (basename(url.replace(/^[a-z]+:\/\/[^/]+/i, "").split("?")[0]) || "index.html");
  if (!quiet) io.err(`Connecting to ${host}${/:\d+/.test(url) ? `:${portOf(url)}` : ""} (${answer.ip}:${portOf(url)})\n`);
  if (answer.status >= 400) {
    io.err(`wget: server returned error: HTTP/1.1 ${answer.status} ${answer.reason}\n`);
    io.setStatus(1);
    return;
  }
  if (spider) {
    if (!quiet) io.err("remote file exists\n");
    return;
  }
  if (name === "-") {
    if (!quiet) io.err("writing to stdout\n");
    io.out(answer.body);
    if (!quiet) io.err(`-                    100% |********************************|  ${String(answer.body.length).padStart(3)}  0:00:00 ETA\nwritten to stdout\n`);
    return;
  }
  if (!quiet) io.err(`saving to '${name}'\n`);
  io.write(io.resolve(name), answer.body);
  if (!quiet) io.err(`${name.padEnd(20)} 100% |********************************|  ${String(answer.body.length).padStart(3)}  0:00:00 ETA\n'${name}' saved\n`);
}
