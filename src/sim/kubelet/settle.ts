/**
 * What may start next, after any step: the next init container once the previous one completed
 * (or a sidecar started), then all app containers one after another — the kubelet starts them in
 * one sync, pulling serially — and, when nothing will run again, the sidecars and sandbox stop.
 */
import type { PodContext } from "./context";
import { parseImage } from "./images";
import { beginAttempt, finishInstance } from "./transitions";

/** Runs after every step at `at` (idempotent: only containers still waiting begin). */
export function settle(ctx: PodContext, at: number): void {
  const record = ctx.record;
  if (record.state !== "SANDBOX_READY" || record.readyAt === undefined) return;
  if (!record.stopping) beginNext(ctx, at);
  finishIfDone(ctx, at);
}

function beginNext(ctx: PodContext, at: number): void {
  let begin = ctx.record.readyAt!;
  const pending = new Set<string>();
  const start = (name: string, when: number) => {
    const image = ctx.spec(name).container.image ?? "";
    const policy = ctx.pullPolicy(name);
    const pull = policy === "Always" || (policy !== "Never" && !ctx.imagePresent(image, pending));
    beginAttempt(ctx.ensure(name, when), when, pull);
    pending.add(parseImage(image).normalized);
    return when + ctx.attemptMs(name, pull);
  };
  for (const spec of ctx.specs) {
    if (!spec.init && !spec.sidecar) break;
    const rec = ctx.rec(spec.name);
    if (!rec || rec.phase === "waiting") {
      start(spec.name, begin);
      return;
    }
    if (spec.init) {
      if (rec.phase !== "exited" || rec.current?.exitCode !== 0) return;
      begin = rec.current.finishedAt! + ctx.syncMs;
    } else {
      const started = rec.phase === "running" ? ctx.startedBy(spec.name, at) : undefined;
      if (started === undefined) return;
      begin = Math.max(begin, started);
    }
  }
  for (const spec of ctx.specs.filter((s) => !s.init && !s.sidecar)) {
    const rec = ctx.rec(spec.name);
    if (!rec || rec.phase === "waiting") begin = start(spec.name, begin);
  }
}

/** A pod whose containers are all done (or that is being stopped) stops its sidecars and its sandbox. */
function finishIfDone(ctx: PodContext, at: number): void {
  const record = ctx.record;
  const recs = record.containers;
  const apps = ctx.specs.filter((s) => !s.init && !s.sidecar);
  const initFailed = ctx.specs.some((s) => {
    const rec = ctx.rec(s.name);
    return s.init && rec?.phase === "exited" && rec.current?.exitCode !== 0 && !ctx.restartsAfterExit(rec);
  });
  const appsDone = apps.every((s) => {
    const rec = ctx.rec(s.name);
    return rec?.phase === "exited" && !ctx.restartsAfterExit(rec);
  });
  if (!record.stopping && !initFailed && !appsDone) return;
  for (const spec of ctx.specs.filter((s) => s.sidecar)) {
    const rec = ctx.rec(spec.name);
    if (rec?.phase === "running") {
      ctx.event("Normal", "Killing", `Stopping container ${spec.name}`, spec.name);
      finishInstance(ctx, rec, at, ctx.behaviour(spec.name).stopExitCode, "sidecar");
    }
  }
  if (!recs.some((r) => r.phase === "running" || r.phase === "killing")) record.state = "SANDBOX_NOTREADY";
}
