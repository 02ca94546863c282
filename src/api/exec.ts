/**
 * pods/exec and pods/attach: the API server's part of `kubectl exec` and `kubectl attach`. Before the upgrade, what kube-apiserver checks
 * (pod exists, container valid, pod bound to a node) fails as an ordinary Status — kubectl then tries
 * SPDY, gets the same Status and prints it (`Error from server (NotFound): pods "x" not found`). After
 * the WebSocket upgrade the stream translator relays the kubelet's answers on the error channel:
 * `Internal error occurred: unable to upgrade connection: container not found ("x")`, exit codes, and
 * the runtime's `OCI runtime exec failed` (wrapped twice, as upstream does).
 *
 * The process itself is simulated by the virtual kubelet (sim/kubelet/exec.ts): this file moves bytes
 * between the socket and it, and commits the files an exec changes into the pod's runtime record.
 */
import type { Pod } from "kubernetes-types/core/v1";
import { storeSnapshot } from "../controllers/snapshot";
import { podContextAt } from "../sim/kubelet";
import { addWrites, attachedShell, endProcess, ExecProcess, execRefusal, type ExecStep, type ExecWorldInput, runningInstance, withInstance } from "../sim/kubelet/exec";
import { DEFAULT_SETTINGS } from "../sim/settings";
import { ApiError, badRequest } from "./errors";
import { exitStatus, internalErrorStatus, negotiate, RemoteCommandStream, type StreamOptions } from "./remotecommand";
import { getObject, update, type ApiContext, type Target } from "./rest";
import type { ApiServer } from "./server";
import type { KObject } from "./types";

/** The smallest simulated second honoured (as the kubelet's timeScale floor). */
const MIN_SECOND_MS = 1;

/** validateContainer (registry/core/pod/strategy.go): the named container, or the only one. */
export function streamContainer(pod: KObject, requested: string | null): string {
  const spec = (pod as unknown as Pod).spec;
  const all = [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])].map((c) => c.name);
  const name = pod.metadata.name!;
  if (requested) {
    if (!all.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  const containers = spec?.containers ?? [];
  if (containers.length === 1) return containers[0].name;
  if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
  throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${all.join(" ")}]`);
}

const flag = (q: URLSearchParams, name: string) => q.get(name) === "true" || q.get(name) === "1";

export function streamOptions(q: URLSearchParams): StreamOptions {
  return { stdin: flag(q, "stdin"), stdout: flag(q, "stdout"), stderr: flag(q, "stderr"), tty: flag(q, "tty") };
}

/**
 * The checks kube-apiserver makes before upgrading (streamLocation), then the WebSocket itself:
 * a 101 with the negotiated subprotocol, or the Status a client falls back on.
 */
export function acceptStream(ctx: ApiContext, request: Request, target: Target, name: string, options: StreamOptions, container: string | null): { pod: KObject; container: string; stream: RemoteCommandStream; response: Response } {
  if (request.method !== "GET" && request.method !== "POST") {
    throw new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
  }
  const pod = getObject(ctx, target, name);
  const chosen = streamContainer(pod, container);
  if (!(pod.spec as { nodeName?: string } | undefined)?.nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
  const upgrade = request.headers.get("upgrade")?.toLowerCase();
  if (upgrade === "spdy/3.1") {
    throw badRequest("unable to upgrade connection: SPDY is not served here; the stream needs a WebSocket client (kubectl 1.30+, @kubernetes/client-node)");
  }
  if (upgrade !== "websocket") throw badRequest("Upgrade request required");
  const protocol = negotiate(request.headers.get("sec-websocket-protocol"));
  if (!protocol) {
    throw badRequest(`unable to upgrade: unable to negotiate protocol: client supports ${JSON.stringify(request.headers.get("sec-websocket-protocol") ?? "")}, server supports ["v5.channel.k8s.io" "v4.channel.k8s.io"]`);
  }
  const pair = new WebSocketPair();
  const [client, socket] = [pair[0], pair[1]];
  socket.accept();
  const stream = new RemoteCommandStream(socket, protocol, options, () => ctx.now().getTime());
  const response = new Response(null, { status: 101, webSocket: client, headers: { "Sec-WebSocket-Protocol": protocol } });
  return { pod, container: chosen, stream, response };
}

/** The world a simulated process step sees: the pod and cluster as stored now. */
export function worldNow(ctx: ApiContext, target: Target, name: string): ExecWorldInput | undefined {
  const pod = ctx.store.get("pods", target.namespace, name);
  if (!pod) return undefined;
  const snapshot = storeSnapshot(ctx.store);
  const settings = ctx.simulation?.() ?? DEFAULT_SETTINGS;
  const now = ctx.now().getTime();
  return { pod, snapshot, settings, now, podContext: (p) => podContextAt(p, snapshot, now, settings) };
}

const secondMs = (ctx: ApiContext) => Math.max(MIN_SECOND_MS, 1000 * (ctx.simulation?.() ?? DEFAULT_SETTINGS).timeScale);

/** Sends a step's output on the virtual clock, commits its file writes, and the end. */
export function applyStep(server: ApiServer, stream: RemoteCommandStream, target: Target, name: string, container: string, instanceId: string | undefined, step: ExecStep): void {
  const ctx = server.context;
  if (step.interrupt) stream.cancelQueued();
  const base = stream.cursor;
  const ms = secondMs(ctx);
  for (const chunk of step.chunks) stream.output(chunk.stream, chunk.text, base + chunk.at * ms);
  if (step.writes.length) {
    server.run(() => {
      const pod = ctx.store.get("pods", target.namespace, name);
      const next = pod && withInstance(pod, container, instanceId, addWrites(step.writes));
      if (next) update(ctx, target, name, next, {}, "status");
    });
  }
  if (step.end) {
    const status = "code" in step.end ? exitStatus(step.end.code) : internalErrorStatus(`Internal error occurred: ${step.end.failure}`);
    stream.finish(status, base + step.end.at * ms);
  }
}

/**
 * The kubelet's checks before it runs anything (relayed by the translator as an InternalError):
 * the pod and a running container, at least one stream, and `extra` (exec's missing command).
 * Returns the world to start from, or undefined once the refusal is sent.
 */
function admitSession(ctx: ApiContext, stream: RemoteCommandStream, target: Target, name: string, container: string, options: StreamOptions, extra?: string): ExecWorldInput | undefined {
  const world = worldNow(ctx, target, name);
  const refusal = !world
    ? "pod does not exist"
    : extra ?? (!options.stdin && !options.stdout && !options.stderr ? "you must specify at least 1 of stdin, stdout, stderr" : execRefusal(world.pod, container));
  if (!refusal && world) return world;
  stream.finish(internalErrorStatus(`unable to upgrade connection: ${refusal}`), ctx.now().getTime());
  return undefined;
}

/** A seed for the simulated process's choices, from a fresh uid. */
const processSeed = (ctx: ApiContext) => parseInt(ctx.uid().replace(/-/g, "").slice(0, 8), 16) || 1;

/**
 * One step of a session's process against the world as stored now: `apply` takes what it did; a pod
 * gone by then calls `gone`, and a step that throws ends the stream with an InternalError.
 */
function stepper(ctx: ApiContext, stream: RemoteCommandStream, target: Target, name: string, label: string, gone: () => void, apply: (step: ExecStep) => void) {
  return (feed: (w: ExecWorldInput) => ExecStep) => {
    const w = worldNow(ctx, target, name);
    if (!w) return gone();
    try {
      apply(feed(w));
    } catch (error) {
      console.error(`${label} step failed`, error);
      stream.finish(internalErrorStatus(String(error)), stream.cursor);
    }
  };
}

export async function podExec(server: ApiServer, request: Request, url: URL, target: Target, name: string): Promise<Response> {
  const ctx = server.context;
  const q = url.searchParams;
  const options = streamOptions(q);
  const { container, stream, response } = acceptStream(ctx, request, target, name, options, q.get("container"));
  const command = q.getAll("command");
  const world = admitSession(ctx, stream, target, name, container, options, command.length === 0 ? "you must specify at least one command for the container" : undefined);
  if (!world) return response;
  const instanceId = runningInstance(world.pod, container);
  const process = new ExecProcess({ container, command, stdin: options.stdin, tty: options.tty }, world.pod, processSeed(ctx));
  const next = stepper(ctx, stream, target, name, "exec",
    () => stream.finish(internalErrorStatus("error executing command in container: container not found"), stream.cursor),
    (step) => applyStep(server, stream, target, name, container, instanceId, step));
  stream.listen({
    stdin: (text) => next((w) => process.write(text, w)),
    stdinClosed: () => next((w) => process.closeInput(w)),
    gone: () => {},
  });
  next((w) => process.start(w));
  return response;
}

/** How often an attached, non-interactive session looks for new output. */
const FOLLOW_POLL_MS = 250;

/**
 * pods/attach: joins the container's own process. A container that keeps a shell on stdin
 * (`stdin: true`, as `kubectl run -it … -- sh` makes it) takes typed lines; when that shell exits —
 * or reads end-of-file because `stdinOnce` closed stdin with the session — the container exits with
 * its code, and the kubelet sees it. Any other process is followed: what it printed since it started,
 * then each new line, until it stops. The error channel says Success either way (CRI attach has no
 * exit code; kubectl run reads it from the pod).
 */
export async function podAttach(server: ApiServer, request: Request, url: URL, target: Target, name: string): Promise<Response> {
  const ctx = server.context;
  const q = url.searchParams;
  const options = streamOptions(q);
  const { container, stream, response } = acceptStream(ctx, request, target, name, options, q.get("container"));
  const world = admitSession(ctx, stream, target, name, container, options);
  if (!world) return response;
  const pod = world.pod as unknown as Pod;
  const spec = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((c) => c.name === container);
  const podCtx = world.podContext(world.pod);
  const shell = podCtx && attachedShell(podCtx, container);
  const instanceId = runningInstance(world.pod, container);
  const success = { metadata: {}, status: "Success" };
  if (!shell || !options.stdin) {
    followOutput(ctx, stream, target, name, container, instanceId);
    return response;
  }

  const process = new ExecProcess({ container, command: shell, stdin: true, tty: options.tty && spec?.tty === true, attach: true }, world.pod, processSeed(ctx));
  const end = (code: number) => {
    server.run(() => {
      const current = ctx.store.get("pods", target.namespace, name);
      const next = current && withInstance(current, container, instanceId, endProcess(stream.cursor, code));
      if (next) update(ctx, target, name, next, {}, "status");
    });
  };
  const feed = (step: ExecStep) => {
    const ended = step.end && "code" in step.end ? step.end.code : undefined;
    applyStep(server, stream, target, name, container, instanceId, { ...step, end: undefined });
    if (ended !== undefined) {
      end(ended);
      stream.finish(success, stream.cursor);
    }
  };
  const next = stepper(ctx, stream, target, name, "attach", () => stream.finish(success, stream.cursor), feed);
  stream.listen({
    stdin: (text) => next((w) => process.write(text, w)),
    // With stdinOnce the container's stdin closes with the first session: the shell reads EOF and exits.
    stdinClosed: () => (spec?.stdinOnce ? next((w) => process.closeInput(w)) : stream.finish(success, stream.cursor)),
    gone: () => {
      if (spec?.stdinOnce && !process.done) next((w) => process.closeInput(w));
    },
  });
  next((w) => process.start(w));
  return response;
}

/** Streams what the attached container prints (from its start), until it stops or restarts. */
function followOutput(ctx: ApiContext, stream: RemoteCommandStream, target: Target, name: string, container: string, instanceId: string | undefined): void {
  let sent = 0;
  const poll = () => {
    const pod = ctx.store.get("pods", target.namespace, name);
    const record = pod && runningInstance(pod, container);
    const lines = pod ? linesOf(ctx, pod, target.namespace, name, container) : [];
    for (const line of lines.slice(sent)) stream.output("stdout", `${line}\n`, ctx.now().getTime());
    sent = Math.max(sent, lines.length);
    const running = pod && record === instanceId && !execRefusal(pod, container);
    if (!running || stream.isClosed) {
      clearInterval(timer);
      stream.finish({ metadata: {}, status: "Success" }, stream.cursor);
    }
  };
  const timer = setInterval(poll, FOLLOW_POLL_MS);
  stream.listen({ stdin: () => {}, stdinClosed: () => {}, gone: () => clearInterval(timer) });
  poll();
}

/** The current instance's output so far: stored lines and what the kubelet has not handed over yet. */
function linesOf(ctx: ApiContext, pod: KObject, namespace: string, name: string, container: string): string[] {
  const restart = (((pod.status as Pod["status"])?.containerStatuses ?? []).find((s) => s.name === container)?.restartCount) ?? 0;
  const stored = ctx.store.readLogs(namespace, name, container, restart);
  const live = ctx.liveLogs?.(pod, container, ctx.now().getTime());
  return [...stored, ...(live && live.restart === restart ? live.lines : [])].map((l) => l.text);
}
