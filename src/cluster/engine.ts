/**
 * One cluster's machinery on its Durable Object's storage: the object store, the API server and its
 * management routes, the controller runner, the D1 outbox. Every write goes through `commit`: one
 * SQLite transaction that also enqueues the controller work the changes cause and the rows D1 must
 * learn, then the watchers hear of it and the alarm is armed for the earliest due work — or deleted,
 * so an idle cluster costs nothing. The Durable Object class around it only authenticates and routes.
 */
import type { ApiContext } from "../api/rest";
import { ApiServer } from "../api/server";
import { WatchHub } from "../api/watch";
import type { Env } from "../env";
import { ObjectStore } from "../store/objects";
import { Runner } from "../controllers/runner";
import { mulberry32 } from "../controllers/rng";
import { wakeCronJobs } from "../controllers/cronjob/wake";
import { storeSnapshot } from "../controllers/snapshot";
import { unflushedLogLines } from "../sim/kubelet";
import { resolveSettings, settingsFor, type SimulationSettings } from "../sim/settings";
import { ClusterHistory } from "../tenancy/history";
import { Activity, type ActivityReport } from "./activity";
import { adminRoutes } from "./admin";
import { HistorySync } from "./historySync";
import { outboxEntriesFor, scheduleEntry } from "./outbox";
import { rawInsert } from "./bench";
import { clusterControllers } from "./controllers";
import { seedCluster } from "./seed";

export interface ClusterInit {
  id: string;
  name: string;
  nodes: number;
  tokenHash: string;
  createdAt: string;
  simulation?: Partial<SimulationSettings>;
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
  simulation: SimulationSettings;
  /** Alarms, wakes and reconciles since this instance started (memory only). */
  activity: ActivityReport;
}

/** How long one alarm may run controllers before it lets requests in and re-arms. */
const ALARM_SLICE_MS = 200;

/** upstream's generateName alphabet: no vowels (no words), no 0/1/3 (confusable). */
const NAME_SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

export class ClusterEngine {
  private store!: ObjectStore;
  private readonly hub: WatchHub;
  private api!: ApiServer;
  private runner!: Runner;
  private outbox!: HistorySync;
  private admin!: ReturnType<typeof adminRoutes>;
  /** The alarm time we last armed (undefined: none), so unchanged schedules cost no storage call. */
  private armedAt: number | undefined;
  /** While the alarm runs steps, arming waits for its end (one setAlarm instead of one per step). */
  private inAlarm = false;
  private readonly activity = new Activity(Date.now());

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly env: Env,
    private readonly waitUntil: (promise: Promise<unknown>) => void,
  ) {
    this.hub = new WatchHub(() => this.store.resourceVersion);
    this.open();
  }

  /** The alarm already armed when the instance starts (read once, before any request). */
  async loadArmedAlarm(): Promise<void> {
    this.armedAt = (await this.storage.getAlarm()) ?? undefined;
  }

  /** SHA-256 of the cluster's token; undefined before `init`. */
  tokenHash(): string | undefined {
    return this.store.meta("tokenHash");
  }

  /** (Re)builds everything that sits on storage: after construction and after the cluster is wiped. */
  private open(): void {
    this.store = new ObjectStore(this.storage.sql);
    this.outbox = new HistorySync(this.storage.sql, () => this.history());
    this.api = this.newApiServer();
    this.newRunner();
    this.admin = adminRoutes({
      context: this.api.context,
      run: (write) => this.commit(write),
      settings: () => this.settings(),
      configure: (settings) => {
        this.store.setMeta("simulation", JSON.stringify({ ...JSON.parse(this.store.meta("simulation") ?? "{}"), ...settings }));
        this.newRunner();
        return this.settings();
      },
      history: async () => {
        await this.outbox.flush();
        return this.history();
      },
    });
  }

  /** Controllers are built for the cluster's simulation settings: again whenever those change. */
  private newRunner(): void {
    this.runner = new Runner(this.api.context, clusterControllers(this.settings()), mulberry32(this.store.resourceVersion + 1), this.activity);
  }

  private settings(): SimulationSettings {
    return resolveSettings(settingsFor(this.env.KUBEFLARE_SIM_PROFILE), JSON.parse(this.store.meta("simulation") ?? "{}"));
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
      simulation: () => this.settings(),
      liveLogs: (pod, container, now) => unflushedLogLines(pod, container, storeSnapshot(this.store), now, this.settings()),
    };
    return new ApiServer(context, this.hub, (write) => this.commit(write));
  }

  /** An authenticated request: the management routes, the bench-only raw insert, or the Kubernetes API. */
  async handle(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (path.startsWith("/_kubeflare/")) return this.admin.fetch(request);
    if (this.env.KUBEFLARE_BENCH === "1" && path === "/__bench/raw") {
      return rawInsert(this.storage.sql, await request.text());
    }
    return this.api.handle(request);
  }

  /**
   * Runs `write` as one transaction that also enqueues the controller work its changes cause, then
   * tells the watchers what changed and arms the alarm for the earliest due work.
   */
  private commit<T>(write: () => T): T {
    const now = Date.now();
    let result: T;
    let changes;
    try {
      [result, changes] = this.storage.transactionSync(() => {
        const value = write();
        const made = this.store.takeChanges();
        this.runner.observe(made, now);
        this.outbox.append(outboxEntriesFor(made, now));
        return [value, made] as const;
      });
    } catch (error) {
      this.store.reload();
      throw error;
    }
    this.hub.publish(changes);
    if (!this.inAlarm) this.armAlarm();
    if (this.outbox.hasPending) this.waitUntil(this.outbox.flush());
    return result;
  }

  private history(): ClusterHistory {
    return new ClusterHistory(this.env.DB, this.store.meta("id")!);
  }

  /**
   * The scheduled event found a CronJob of this cluster due: pass over the due CronJobs and move their
   * index rows on (wakeCronJobs). `scheduledTime` is the trigger's; work is never due before it, so a
   * clock a little behind the Worker's still finds the schedule time passed.
   */
  async wake(scheduledTime?: number): Promise<void> {
    this.activity.woken();
    const at = Math.max(Date.now(), scheduledTime ?? 0);
    this.commit(() => {
      const { work, nextRuns } = wakeCronJobs(this.store.list("cronjobs.batch", undefined).items, at);
      for (const item of work) this.store.enqueue(item);
      this.outbox.append(nextRuns.map((r) => scheduleEntry(r.namespace, r.name, r.nextRun)));
    });
  }

  /** One alarm for the earliest due work; none at all when nothing is queued (idle is free). */
  private armAlarm(): void {
    const due = this.store.nextDue();
    if (due === this.armedAt) return;
    this.armedAt = due;
    if (due === undefined) void this.storage.deleteAlarm();
    else void this.storage.setAlarm(due);
  }

  /** Runs due controller work for a slice of time, letting requests in between slices. */
  async alarm(): Promise<void> {
    this.activity.alarmed();
    this.armedAt = undefined;
    this.inAlarm = true;
    try {
      const sliceEnd = Date.now() + ALARM_SLICE_MS;
      for (let now = Date.now(); now <= sliceEnd; now = Date.now()) {
        if (!this.commit(() => this.runner.step(now))) break;
      }
    } finally {
      this.inAlarm = false;
      this.armAlarm();
    }
  }

  /** Creates the cluster's initial state; a repeated call (a retried create) changes nothing. */
  async init(params: ClusterInit): Promise<void> {
    if (this.store.meta("tokenHash")) return;
    if (params.simulation) {
      this.store.setMeta("simulation", JSON.stringify(params.simulation));
      this.newRunner();
    }
    this.commit(() => {
      this.store.setMeta("id", params.id);
      this.store.setMeta("name", params.name);
      this.store.setMeta("createdAt", params.createdAt);
      this.store.setMeta("tokenHash", params.tokenHash);
      seedCluster(this.api.context, params.nodes);
    });
  }

  /**
   * The cluster as the management API shows it. `alarm` comes from the work queue the alarm is armed
   * from (the storage alarm reads null while it is running, which would look idle when it is not).
   */
  summary(): ClusterSummary {
    const due = this.store.nextDue();
    return {
      id: this.store.meta("id")!,
      name: this.store.meta("name")!,
      created: this.store.meta("createdAt")!,
      nodes: this.store.count("nodes"),
      objects: this.store.countsByResource(),
      resourceVersion: this.store.resourceVersion,
      alarm: due === undefined ? null : { at: new Date(due).toISOString(), for: this.store.queuedControllers() },
      simulation: this.settings(),
      activity: this.activity.report(),
    };
  }

  /** Deletes every trace of the cluster: its watches, its D1 rows, its alarm and storage. */
  async destroy(): Promise<void> {
    this.hub.closeAll();
    await this.history().drop();
    await this.storage.deleteAlarm();
    await this.storage.deleteAll();
    this.armedAt = undefined;
    this.open();
  }
}
