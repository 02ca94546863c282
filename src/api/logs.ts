/**
 * pods/log: what a simulated container printed, as `kubectl logs` asks for it — a container (or
 * the only / default one), --previous, --tail, --timestamps, --since, and -f, which streams new lines
 * until the container stops or the client goes away.
 */
import { badRequest } from "./errors";
import type { ApiContext, Target } from "./rest";
import { getObject } from "./rest";
import type { KObject } from "./types";

/** How often a followed log looks for new lines. */
const FOLLOW_POLL_MS = 250;

interface ContainerStatus {
  name: string;
  restartCount?: number;
  state?: { running?: unknown; waiting?: { reason?: string }; terminated?: unknown };
  lastState?: { terminated?: unknown };
}

function statusesOf(pod: KObject): ContainerStatus[] {
  const status = (pod.status ?? {}) as { containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[] };
  return [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])];
}

function chooseContainer(pod: KObject, requested: string | null): string {
  const spec = pod.spec as { containers?: { name: string }[]; initContainers?: { name: string }[] };
  const containers = (spec.containers ?? []).map((c) => c.name);
  const all = [...(spec.initContainers ?? []).map((c) => c.name), ...containers];
  const name = pod.metadata.name!;
  if (requested) {
    if (!all.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  const preferred = pod.metadata.annotations?.["kubectl.kubernetes.io/default-container"];
  if (preferred && all.includes(preferred)) return preferred;
  if (containers.length === 1) return containers[0];
  throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.join(" ")}]`);
}

export function podLogs(ctx: ApiContext, target: Target, name: string, q: URLSearchParams): Response {
  const pod = getObject(ctx, target, name);
  const container = chooseContainer(pod, q.get("container"));
  const status = statusesOf(pod).find((s) => s.name === container);
  const previous = q.get("previous") === "true";
  const restarts = status?.restartCount ?? 0;
  if (previous && (restarts === 0 || !status?.lastState?.terminated)) {
    throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
  }
  if (!previous && !status?.state?.running && !status?.state?.terminated) {
    const reason = status?.state?.waiting?.reason ?? "ContainerCreating";
    throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${reason}`);
  }
  const restart = previous ? restarts - 1 : restarts;
  const timestamps = q.get("timestamps") === "true";
  const tail = q.get("tailLines") === null ? undefined : Number(q.get("tailLines"));
  const sinceSeconds = q.get("sinceSeconds") === null ? undefined : Number(q.get("sinceSeconds"));
  const since = sinceSeconds !== undefined ? ctx.now().getTime() - sinceSeconds * 1000 : q.get("sinceTime") ? Date.parse(q.get("sinceTime")!) : undefined;
  const render = (lines: { time: string; text: string }[]) =>
    lines.map((l) => `${timestamps ? `${l.time} ` : ""}${l.text}\n`).join("");
  const namespace = target.namespace;
  /** Stored lines plus what the running container printed since the kubelet last wrote them. */
  const linesNow = (current: KObject) => {
    const stored = ctx.store.readLogs(namespace, name, container, restart);
    if (previous) return stored;
    const live = ctx.liveLogs?.(current, container, ctx.now().getTime());
    return live && live.restart === restart ? [...stored, ...live.lines] : stored;
  };
  let lines = linesNow(pod).filter((l) => since === undefined || Date.parse(l.time) >= since);
  if (tail !== undefined && tail >= 0) lines = lines.slice(Math.max(0, lines.length - tail));
  const headers = { "content-type": "text/plain", "content-encoding": "identity" };
  if (q.get("follow") !== "true" || previous) return new Response(render(lines), { headers });

  let seen = linesNow(pod).length;
  const encoder = new TextEncoder();
  let timer: ReturnType<typeof setInterval>;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(render(lines)));
      timer = setInterval(() => {
        const current = ctx.store.get("pods", namespace, name);
        const all = current ? linesNow(current) : [];
        if (all.length > seen) controller.enqueue(encoder.encode(render(all.slice(seen))));
        seen = Math.max(seen, all.length);
        const state = current && statusesOf(current).find((s) => s.name === container);
        if (!current || current.metadata.uid !== pod.metadata.uid || !state?.state?.running || (state.restartCount ?? 0) !== restarts) {
          clearInterval(timer);
          controller.close();
        }
      }, FOLLOW_POLL_MS);
    },
    cancel() {
      clearInterval(timer);
    },
  });
  return new Response(stream, { headers });
}
