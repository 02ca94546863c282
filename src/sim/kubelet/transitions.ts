/**
 * The moves the stage table and `settle` share: beginning and finishing a start attempt (pull,
 * create, start — or the error that stops it), ending a container instance, stopping a pod's
 * containers, restarting after a back-off.
 */
import { nextBackoff } from "./backoff";
import type { PodContext } from "./context";
import { hexId } from "./hash";
import type { ContainerRecord, Instance } from "./record";
import { goDuration } from "./time";

/** Begins a start attempt at `at`; the stage table finishes it. */
export function beginAttempt(rec: ContainerRecord, at: number, pull: boolean): void {
  rec.phase = "starting";
  rec.since = at;
  rec.pull = pull;
}

/** The end of a start attempt begun at `startAt`: pull (or find the image), create, start. */
export function finishAttempt(ctx: PodContext, rec: ContainerRecord, startAt: number, at: number, pull: boolean): void {
  const name = rec.name;
  const spec = ctx.spec(name);
  const image = spec.container.image ?? "";
  const behaviour = ctx.behaviour(name);
  rec.since = at;
  rec.image = image;
  delete rec.reason;
  delete rec.message;
  if (pull) {
    ctx.event("Normal", "Pulling", `Pulling image "${image}"`, name);
    if (!behaviour.pull.ok) {
      ctx.event("Warning", "Failed", `Failed to pull image "${image}": ${behaviour.pull.message}`, name);
      ctx.event("Warning", "Failed", "Error: ErrImagePull", name);
      rec.phase = "errImagePull";
      rec.pullBackoff = nextBackoff(rec.pullBackoff, at, ctx.backoffPolicy);
      return;
    }
    const took = goDuration(ctx.pullMs);
    ctx.event("Normal", "Pulled", `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: ${behaviour.imageSize} bytes.`, name);
  } else if (ctx.pullPolicy(name) === "Never" && !ctx.imagePresent(image)) {
    const message = `Container image "${image}" is not present with pull policy of Never`;
    ctx.event("Warning", "ErrImageNeverPull", message, name);
    ctx.event("Warning", "Failed", "Error: ErrImageNeverPull", name);
    Object.assign(rec, { phase: "createError", reason: "ErrImageNeverPull", message });
    return;
  } else {
    ctx.event("Normal", "Pulled", `Container image "${image}" already present on machine`, name);
  }
  const configError = ctx.environment(name).configError;
  if (configError) {
    ctx.event("Warning", "Failed", `Error: ${configError}`, name);
    Object.assign(rec, { phase: "createError", reason: "CreateContainerConfigError", message: configError });
    return;
  }
  const attempt = rec.current ? rec.current.attempt + 1 : 0;
  const instance: Instance = {
    id: hexId(`${ctx.uid}/${name}/${attempt}`),
    attempt,
    image,
    createdAt: Math.max(startAt, at - ctx.startMs),
    startedAt: at,
  };
  ctx.event("Normal", "Created", `Created container ${name}`, name);
  ctx.event("Normal", "Started", `Started container ${name}`, name);
  // The old instance's writable layer goes with it (exec's writes are not carried over).
  if (rec.current) {
    const { files: _gone, ...previous } = rec.current;
    rec.previous = previous;
  }
  rec.current = instance;
  rec.phase = "running";
  delete rec.unhealthyReported;
  ctx.invalidate(name);
  ctx.flushLogs(name, instance, at);
}

/** The running instance ends at `at` with `exitCode` (by itself, or killed by the kubelet). */
export function finishInstance(ctx: PodContext, rec: ContainerRecord, at: number, exitCode: number, killedBy?: string, reason?: string): void {
  const cur = rec.current!;
  ctx.flushLogs(rec.name, cur, at);
  cur.finishedAt = at;
  cur.exitCode = exitCode;
  cur.reason = reason ?? (exitCode === 0 ? "Completed" : "Error");
  if (killedBy) cur.killedBy = killedBy;
  rec.phase = "exited";
  rec.since = at;
  ctx.invalidate(rec.name);
}

/** Stops every running container (deletion, active deadline): SIGTERM, or SIGKILL after the grace period. */
export function stopAll(ctx: PodContext, at: number, reason: "delete" | "deadline"): void {
  ctx.record.stopping = reason;
  const grace = ctx.object.metadata.deletionGracePeriodSeconds ?? ctx.pod.spec?.terminationGracePeriodSeconds ?? 30;
  for (const spec of [...ctx.specs].reverse()) {
    const rec = ctx.rec(spec.name);
    if (!rec || rec.phase !== "running") continue;
    ctx.event("Normal", "Killing", `Stopping container ${spec.name}`, spec.name);
    const behaviour = ctx.behaviour(spec.name);
    if (behaviour.ignoresSigterm && grace > 0 && reason === "delete") {
      rec.phase = "killing";
      rec.since = at;
      ctx.invalidate(spec.name);
    } else {
      finishInstance(ctx, rec, at, behaviour.ignoresSigterm ? 137 : behaviour.stopExitCode, reason);
    }
  }
}

/** Restarts an exited container whose back-off allows it at `restartAt`; the attempt ends at `at`. */
export function restart(ctx: PodContext, rec: ContainerRecord, restartAt: number, at: number): void {
  rec.backoff = nextBackoff(rec.backoff, restartAt, ctx.backoffPolicy);
  finishAttempt(ctx, rec, restartAt, at, ctx.pullPolicy(rec.name) === "Always");
}
