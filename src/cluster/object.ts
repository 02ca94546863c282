/**
 * One cluster, one Durable Object: a thin shell that owns the cluster's storage, authenticates
 * requests, and hands them to the API server. Writes commit in one SQLite transaction and are then
 * published to open watches.
 */
import { DurableObject } from "cloudflare:workers";
import { unauthorized, statusResponse } from "../api/errors";
import type { ApiContext } from "../api/rest";
import { ApiServer } from "../api/server";
import { WatchHub } from "../api/watch";
import type { Env } from "../env";
import { ObjectStore } from "../store/objects";
import { bearerToken, tokenMatches } from "../tenancy/tokens";
import { rawInsert } from "./bench";
import { seedCluster } from "./seed";

export interface ClusterInit {
  id: string;
  name: string;
  nodes: number;
  tokenHash: string;
  createdAt: string;
}

export interface ClusterSummary {
  id: string;
  name: string;
  created: string;
  nodes: number;
  objects: Record<string, number>;
  resourceVersion: number;
  /** The armed alarm, or null when the cluster is asleep. */
  alarm: { at: string; for: string[] } | null;
}

/** upstream's generateName alphabet: no vowels (no words), no 0/1/3 (confusable). */
const NAME_SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

export class ClusterObject extends DurableObject<Env> {
  private store: ObjectStore;
  private readonly hub: WatchHub;
  private api: ApiServer;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new ObjectStore(ctx.storage.sql);
    this.hub = new WatchHub(() => this.store.resourceVersion);
    this.api = this.newApiServer();
  }

  private newApiServer(): ApiServer {
    const context: ApiContext = {
      store: this.store,
      now: () => new Date(),
      uid: () => crypto.randomUUID(),
      nameSuffix: () => {
        const bytes = crypto.getRandomValues(new Uint8Array(5));
        return [...bytes].map((b) => NAME_SUFFIX_ALPHABET[b % NAME_SUFFIX_ALPHABET.length]).join("");
      },
    };
    return new ApiServer(context, this.hub, (write) => this.commit(write));
  }

  /** Runs `write` as one transaction, then tells the watchers what changed. */
  private commit<T>(write: () => T): T {
    let result: T;
    try {
      result = this.ctx.storage.transactionSync(write);
    } catch (error) {
      this.store.reload();
      throw error;
    }
    this.hub.publish(this.store.takeChanges());
    return result;
  }

  /** Creates the cluster's initial state; a repeated call (a retried create) changes nothing. */
  async init(params: ClusterInit): Promise<void> {
    if (this.store.meta("tokenHash")) return;
    this.commit(() => {
      this.store.setMeta("id", params.id);
      this.store.setMeta("name", params.name);
      this.store.setMeta("createdAt", params.createdAt);
      this.store.setMeta("tokenHash", params.tokenHash);
      seedCluster(this.api.context, params.nodes);
    });
  }

  async summary(token: string | undefined): Promise<ClusterSummary | null> {
    if (!(await this.authorized(token))) return null;
    const alarm = await this.ctx.storage.getAlarm();
    return {
      id: this.store.meta("id")!,
      name: this.store.meta("name")!,
      created: this.store.meta("createdAt")!,
      nodes: this.store.count("nodes"),
      objects: this.store.countsByResource(),
      resourceVersion: this.store.resourceVersion,
      alarm: alarm === null ? null : { at: new Date(alarm).toISOString(), for: [] },
    };
  }

  /** Deletes every trace of the cluster; returns false when the token does not open it. */
  async destroy(token: string | undefined): Promise<boolean> {
    if (!(await this.authorized(token))) return false;
    this.hub.closeAll();
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.store = new ObjectStore(this.ctx.storage.sql);
    this.api = this.newApiServer();
    return true;
  }

  async fetch(request: Request): Promise<Response> {
    if (!(await this.authorized(bearerToken(request.headers.get("authorization"))))) {
      return statusResponse(unauthorized());
    }
    if (this.env.KUBEFLARE_BENCH === "1" && new URL(request.url).pathname === "/__bench/raw") {
      return rawInsert(this.ctx.storage.sql, await request.text());
    }
    return this.api.handle(request);
  }

  private async authorized(token: string | undefined): Promise<boolean> {
    const hash = this.store.meta("tokenHash");
    return !!token && !!hash && (await tokenMatches(token, hash));
  }
}
