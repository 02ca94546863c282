/**
 * The kubelet's behaviour as data, after KWOK's stages: each row says which pods or containers it
 * applies to (the phase it moves from, plus a condition), when it is due (an absolute time derived
 * from the runtime record — KWOK's delay) and what comes next (the new phase, events, logs).
 * A reconcile applies the earliest due row, then `settle` (settle.ts) starts whatever may start next;
 * the moves rows share are in transitions.ts.
 *
 * Container rows, by the phase they move from:
 *   starting          ─ attempt ends (pull + create + start) ─→ running | errImagePull | createError
 *   errImagePull      ─ next sync (1 s) ─────────────────────→ imagePullBackOff
 *   imagePullBackOff  ─ back-off over, pull again ────────────→ running | errImagePull
 *   running           ─ process exits ────────────────────────→ exited
 *   running           ─ memory over its limit ────────────────→ exited (OOMKilled)
 *   running           ─ liveness/startup probe fails ─────────→ exited (killed)
 *   running           ─ first readiness failure ──────────────→ running (Unhealthy event)
 *   exited            ─ restart allowed, no back-off ─────────→ running (restart)
 *   exited            ─ restart allowed, in back-off ─────────→ crashLoop
 *   crashLoop         ─ back-off over ────────────────────────→ running (restart)
 *   killing           ─ grace period over (SIGKILL) ──────────→ exited
 *   createError       ─ the missing reference appears ────────→ running | createError
 * Pod rows: create the sandbox, stop on deletion or active deadline, resolve awaited Services,
 * restart containers whose image was edited, issue the final delete.
 *
 * Times: the sandbox, pull and start delays come from the profile (SimulationSettings); everything
 * upstream or the container decides (back-offs, probe periods, sleeps, grace periods, deadlines)
 * is in simulated seconds, multiplied by the profile's timeScale.
 */
import { isInBackOffSince, nextBackoff } from "./backoff";
import type { PodContext } from "./context";
import { qualify } from "./coreutils";
import { allocateIP, podIPsInUse } from "./ip";
import type { ContainerPhase, ContainerRecord } from "./record";
import { restartPolicy } from "./spec";
import { beginAttempt, finishAttempt, finishInstance, restart, stopAll } from "./transitions";

export interface Stage {
  name: string;
  /** The container phase it moves from (pod stages: none). */
  from?: ContainerPhase;
  /** Still applies while the pod is being stopped. */
  whileStopping?: boolean;
  /** Only emits events (applied together with whatever step is due at the same time). */
  eventOnly?: boolean;
  /** When it is due (ms), or undefined when it does not apply. */
  due(ctx: PodContext, rec?: ContainerRecord): number | undefined;
  /** Moves the record on at `at`. */
  next(ctx: PodContext, at: number, rec?: ContainerRecord): void;
}

/** Seconds before retrying a failed sandbox creation. */
const SANDBOX_RETRY_SECONDS = 10;

// ---- the table -------------------------------------------------------------------------------------

export const POD_STAGES: Stage[] = [
  {
    name: "create-sandbox",
    due: (ctx) => (ctx.record.state === "SANDBOX_NOTREADY" && ctx.record.readyAt === undefined && !ctx.record.stopping
      ? ctx.record.createdAt + ctx.settings.sandboxSeconds * 1000 + (ctx.record.sandboxRetries ?? 0) * SANDBOX_RETRY_SECONDS * ctx.secondMs
      : undefined),
    next(ctx, at) {
      const record = ctx.record;
      if (!ctx.pod.spec?.hostNetwork) {
        const node = ctx.snapshot.get("nodes", "", ctx.nodeName);
        const cidr = (node?.spec as { podCIDR?: string } | undefined)?.podCIDR ?? "10.244.0.0/24";
        const ip = allocateIP(cidr, podIPsInUse(ctx.snapshot.podsOnNode(ctx.nodeName), ctx.uid));
        if (!ip) {
          record.sandboxRetries = (record.sandboxRetries ?? 0) + 1;
          ctx.event("Warning", "FailedCreatePodSandBox",
            `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "${record.id}": plugin type="bridge" failed (add): failed to allocate for range 0: no IP addresses available in range set: ${cidr}`);
          return;
        }
        record.ip = ip;
      } else {
        record.ip = ctx.hostIP;
      }
      delete record.sandboxRetries;
      record.state = "SANDBOX_READY";
      record.readyAt = at;
    },
  },
  {
    name: "stop-on-delete",
    whileStopping: true,
    due: (ctx) => (ctx.object.metadata.deletionTimestamp && ctx.record.stopping !== "delete" ? ctx.now : undefined),
    next: (ctx, at) => stopAll(ctx, at, "delete"),
  },
  {
    name: "active-deadline",
    due(ctx) {
      const seconds = ctx.pod.spec?.activeDeadlineSeconds;
      if (seconds === undefined || ctx.record.stopping) return undefined;
      const phase = ctx.pod.status?.phase;
      if (phase === "Succeeded" || phase === "Failed") return undefined;
      return ctx.record.createdAt + seconds * ctx.secondMs;
    },
    next(ctx, at) {
      ctx.event("Warning", "DeadlineExceeded", "Pod was active on the node longer than the specified deadline");
      stopAll(ctx, at, "deadline");
    },
  },
  {
    name: "resolve-awaited-services",
    due: (ctx) => (awaitedNow(ctx).length ? ctx.now : undefined),
    next(ctx, at) {
      for (const { rec, host, ip } of awaitedNow(ctx)) {
        rec.resolved = { ...(rec.resolved ?? {}), [host]: { ip, at } };
        ctx.invalidate(rec.name);
      }
    },
  },
  {
    name: "definition-changed",
    due: (ctx) => (changedImage(ctx).length ? ctx.now : undefined),
    next(ctx, at) {
      for (const rec of changedImage(ctx)) {
        const spec = ctx.spec(rec.name);
        if (rec.phase === "running") {
          const restarts = restartPolicy(ctx.pod) !== "Never";
          ctx.event("Normal", "Killing", `Container ${rec.name} definition changed${restarts ? ", will be restarted" : ""}`, rec.name);
          finishInstance(ctx, rec, at, ctx.behaviour(rec.name).stopExitCode, "definition");
          if (!restarts) continue;
        }
        // A new image has no back-off of its own: the next attempt starts now.
        delete rec.pullBackoff;
        const image = spec.container.image ?? "";
        const policy = ctx.pullPolicy(rec.name);
        beginAttempt(rec, at, policy === "Always" || (policy !== "Never" && !ctx.imagePresent(image)));
        rec.image = image;
        ctx.invalidate(rec.name);
      }
    },
  },
  {
    name: "final-delete",
    whileStopping: true,
    due: (ctx) => (ctx.record.stopping === "delete" && !ctx.record.containers.some((c) => c.phase === "running" || c.phase === "killing") ? ctx.now : undefined),
    next(ctx) {
      const meta = ctx.object.metadata;
      ctx.writes.push({ op: "delete", resource: "pods", namespace: meta.namespace ?? "", name: meta.name ?? "", uid: meta.uid, gracePeriodSeconds: 0 });
    },
  },
];

/** Containers whose spec now names another image than the one they run or were trying to start. */
function changedImage(ctx: PodContext): ContainerRecord[] {
  return ctx.record.containers.filter((rec) => {
    const image = ctx.spec(rec.name)?.container.image;
    if (rec.phase === "running") return rec.current !== undefined && rec.current.image !== image;
    if (["errImagePull", "imagePullBackOff", "crashLoop", "createError"].includes(rec.phase)) return rec.image !== undefined && rec.image !== image;
    return rec.phase === "exited" && ctx.restartsAfterExit(rec) && rec.image !== undefined && rec.image !== image;
  });
}

/** Names a running container waits on that now resolve to a Service. */
function awaitedNow(ctx: PodContext): { rec: ContainerRecord; host: string; ip: string }[] {
  const found: { rec: ContainerRecord; host: string; ip: string }[] = [];
  for (const rec of ctx.record.containers) {
    if (rec.phase !== "running") continue;
    for (const host of ctx.behaviour(rec.name).waitingFor) {
      if (rec.resolved?.[host]) continue;
      const m = /^([^.]+)\.([^.]+)\.svc\.cluster\.local$/.exec(qualify(host, ctx.pod.metadata?.namespace ?? "default"));
      const service = m && ctx.snapshot.get("services", m[2], m[1]);
      if (service) {
        const clusterIP = (service.spec as { clusterIP?: string } | undefined)?.clusterIP;
        found.push({ rec, host, ip: clusterIP && clusterIP !== "None" ? clusterIP : "" });
      }
    }
  }
  return found;
}

export const CONTAINER_STAGES: Stage[] = [
  {
    name: "start",
    from: "starting",
    due: (ctx, rec) => rec!.since + ctx.attemptMs(rec!.name, rec!.pull ?? false),
    next: (ctx, at, rec) => finishAttempt(ctx, rec!, rec!.since, at, rec!.pull ?? false),
  },
  {
    name: "image-pull-back-off",
    from: "errImagePull",
    due: (ctx, rec) => rec!.since + ctx.syncMs,
    next(ctx, at, rec) {
      const image = ctx.spec(rec!.name).container.image;
      ctx.event("Normal", "BackOff", `Back-off pulling image "${image}"`, rec!.name);
      ctx.event("Warning", "Failed", "Error: ImagePullBackOff", rec!.name);
      rec!.phase = "imagePullBackOff";
      rec!.since = at;
    },
  },
  {
    name: "pull-again",
    from: "imagePullBackOff",
    due: (ctx, rec) => retryAt(rec!) + ctx.attemptMs(rec!.name, true),
    next: (ctx, at, rec) => finishAttempt(ctx, rec!, retryAt(rec!), at, true),
  },
  {
    name: "exit",
    from: "running",
    due(ctx, rec) {
      const exit = ctx.exitAt(rec!.name);
      const other = Math.min(ctx.probes(rec!.name)?.kill?.at ?? Infinity, ctx.oomAt(rec!.name) ?? Infinity);
      return exit !== undefined && exit <= other ? exit : undefined;
    },
    next: (ctx, at, rec) => finishInstance(ctx, rec!, at, ctx.exitCode(rec!.name, at)),
  },
  {
    name: "oom-kill",
    from: "running",
    due(ctx, rec) {
      const oom = ctx.oomAt(rec!.name);
      return oom !== undefined && oom < (ctx.probes(rec!.name)?.kill?.at ?? Infinity) ? oom : undefined;
    },
    next: (ctx, at, rec) => finishInstance(ctx, rec!, at, 137, undefined, "OOMKilled"),
  },
  {
    name: "probe-kill",
    from: "running",
    due: (ctx, rec) => ctx.probes(rec!.name)?.kill?.at,
    next(ctx, at, rec) {
      const kill = ctx.probes(rec!.name)!.kill!;
      const label = kill.probe === "liveness" ? "Liveness" : "Startup";
      for (const failure of kill.failures) ctx.event("Warning", "Unhealthy", `${label} probe failed: ${failure.message}`, rec!.name);
      const restarts = restartPolicy(ctx.pod) !== "Never";
      ctx.event("Normal", "Killing", `Container ${rec!.name} failed ${kill.probe} probe${restarts ? ", will be restarted" : ""}`, rec!.name);
      finishInstance(ctx, rec!, at, ctx.behaviour(rec!.name).stopExitCode, kill.probe);
    },
  },
  {
    name: "readiness-unhealthy",
    from: "running",
    eventOnly: true,
    // Only before the container was ever ready: losing readiness later is reported with the flip (index.ts).
    due(ctx, rec) {
      const probes = ctx.probes(rec!.name);
      const failure = probes?.firstReadinessFailure;
      if (rec!.unhealthyReported || !failure || probes.readiness.some((f) => f.ready && f.at < failure.at)) return undefined;
      return failure.at;
    },
    next(ctx, _at, rec) {
      const failure = ctx.probes(rec!.name)!.firstReadinessFailure!;
      ctx.event("Warning", "Unhealthy", `Readiness probe failed: ${failure.message}`, rec!.name);
      rec!.unhealthyReported = true;
    },
  },
  {
    name: "restart",
    from: "exited",
    due(ctx, rec) {
      const restartAt = rec!.since + ctx.syncMs;
      if (!ctx.restartsAfterExit(rec!) || isInBackOffSince(rec!.backoff, rec!.since, restartAt, ctx.backoffPolicy)) return undefined;
      return restartAt + ctx.attemptMs(rec!.name, ctx.pullPolicy(rec!.name) === "Always");
    },
    next: (ctx, at, rec) => restart(ctx, rec!, rec!.since + ctx.syncMs, at),
  },
  {
    name: "crash-loop-back-off",
    from: "exited",
    due(ctx, rec) {
      const checkAt = rec!.since + ctx.syncMs;
      return ctx.restartsAfterExit(rec!) && isInBackOffSince(rec!.backoff, rec!.since, checkAt, ctx.backoffPolicy) ? checkAt : undefined;
    },
    next(ctx, at, rec) {
      ctx.event("Warning", "BackOff", `Back-off restarting failed container ${rec!.name} in pod ${ctx.pod.metadata?.name}_${ctx.pod.metadata?.namespace}(${ctx.uid})`, rec!.name);
      rec!.phase = "crashLoop";
    },
  },
  {
    name: "restart-after-back-off",
    from: "crashLoop",
    due: (ctx, rec) => restartAfterBackOffAt(rec!) + ctx.attemptMs(rec!.name, ctx.pullPolicy(rec!.name) === "Always"),
    next: (ctx, at, rec) => restart(ctx, rec!, restartAfterBackOffAt(rec!), at),
  },
  {
    name: "sigkill",
    from: "killing",
    whileStopping: true,
    due(ctx, rec) {
      const grace = ctx.object.metadata.deletionGracePeriodSeconds ?? ctx.pod.spec?.terminationGracePeriodSeconds ?? 30;
      return rec!.since + grace * ctx.secondMs;
    },
    next: (ctx, at, rec) => finishInstance(ctx, rec!, at, 137, "delete"),
  },
  {
    name: "create-again",
    from: "createError",
    due(ctx, rec) {
      const fixed = rec!.reason === "ErrImageNeverPull" ? ctx.imagePresent(ctx.spec(rec!.name).container.image ?? "") : !ctx.environment(rec!.name).configError;
      return fixed ? Math.max(ctx.now, rec!.since) : undefined;
    },
    next: (ctx, at, rec) => finishAttempt(ctx, rec!, at, at, false),
  },
];

function retryAt(rec: ContainerRecord): number {
  return rec.pullBackoff ? rec.pullBackoff.updatedAt + rec.pullBackoff.delayMs : rec.since;
}

function restartAfterBackOffAt(rec: ContainerRecord): number {
  return (rec.current?.finishedAt ?? rec.since) + (rec.backoff?.delayMs ?? 0);
}
