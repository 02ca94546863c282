/**
 * One cluster, one Durable Object: a thin shell that authenticates and hands everything to the
 * cluster's engine (engine.ts) — requests, the alarm, creation, the scheduled event's wake.
 */
import { DurableObject } from "cloudflare:workers";
import { unauthorized, statusResponse } from "../api/errors";
import type { Env } from "../env";
import { bearerToken, tokenMatches } from "../tenancy/tokens";
import { ClusterEngine, type ClusterInit, type ClusterSummary } from "./engine";

export type { ClusterInit, ClusterSummary } from "./engine";

export class ClusterObject extends DurableObject<Env> {
  private readonly engine: ClusterEngine;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.engine = new ClusterEngine(ctx.storage, env, (promise) => ctx.waitUntil(promise));
    ctx.blockConcurrencyWhile(() => this.engine.loadArmedAlarm());
  }

  async fetch(request: Request): Promise<Response> {
    if (!(await this.authorized(bearerToken(request.headers.get("authorization"))))) return statusResponse(unauthorized());
    return this.engine.handle(request);
  }

  /** Runs due controller work for a slice of time, letting requests in between slices. */
  async alarm(): Promise<void> {
    await this.engine.alarm();
  }

  /** Creates the cluster's initial state; a repeated call (a retried create) changes nothing. */
  async init(params: ClusterInit): Promise<void> {
    await this.engine.init(params);
  }

  /** The scheduled event found a CronJob of this cluster due. */
  async wake(scheduledTime?: number): Promise<void> {
    await this.engine.wake(scheduledTime);
  }

  async summary(token: string | undefined): Promise<ClusterSummary | null> {
    return (await this.authorized(token)) ? this.engine.summary() : null;
  }

  /** Deletes every trace of the cluster; returns false when the token does not open it. */
  async destroy(token: string | undefined): Promise<boolean> {
    if (!(await this.authorized(token))) return false;
    await this.engine.destroy();
    return true;
  }

  private async authorized(token: string | undefined): Promise<boolean> {
    const hash = this.engine.tokenHash();
    return !!token && !!hash && (await tokenMatches(token, hash));
  }
}
