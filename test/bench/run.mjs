// `npm run bench`: starts the Worker locally and prints performance figures as JSON. A benchmark,
// not a test: it asserts nothing, it measures. Targets are printed beside the figures.
//
// One function per figure (or group of figures); BENCH_ONLY=hpa,job runs only those (names in
// FIGURES below), BENCH_ONLY_API=1 only the API server's figures. While developing, BENCH_PODS,
// BENCH_HPAS, BENCH_HPA_WINDOW (seconds) and BENCH_TRIGGER_CLUSTERS shrink the work.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "../../src/tools/server.mjs";

const PORT = Number(process.env.BENCH_PORT ?? 8797);
const PODS = Number(process.env.BENCH_PODS ?? 5000);
const CONCURRENCY = 8;

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return +sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(2);
};
const summary = (values) => ({ p50: percentile(values, 50), p99: percentile(values, 99) });

async function timed(fn) {
  const start = performance.now();
  const result = await fn();
  return [performance.now() - start, result];
}

/** Runs `count` calls of `fn(i)` with `concurrency` in flight; returns per-call latencies and the wall time. */
async function pool(count, concurrency, fn) {
  const latencies = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const i = next++;
      const [ms] = await timed(() => fn(i));
      latencies.push(ms);
    }
  }));
  return { latencies, seconds: (performance.now() - start) / 1000 };
}

function podBody(i) {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `bench-${i}`, labels: { app: "bench", shard: String(i % 10) } },
    spec: { schedulerName: "bench-no-scheduler", containers: [{ name: "app", image: "nginx:1.25", ports: [{ containerPort: 80 }], resources: { requests: { cpu: "10m", memory: "16Mi" } } }] },
  });
}

/** Resident memory of the workerd processes under wrangler (the Durable Objects live there). */
function rssMiB(rootPid) {
  try {
    const children = (pid) => {
      try {
        return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
      } catch {
        return [];
      }
    };
    let total = 0;
    const stack = [rootPid];
    while (stack.length) {
      const pid = stack.pop();
      stack.push(...children(pid));
      const comm = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
      if (comm.startsWith("workerd")) total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    }
    return Math.round(total / 1024);
  } catch {
    return null;
  }
}

async function waitFor(what, probe, timeoutMs = 120_000) {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    if (await probe()) return (performance.now() - start) / 1000;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`bench: timed out waiting for ${what}`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A cluster in the fast profile with small JSON helpers over its Kubernetes API and its summary. */
async function fastCluster(url, nodes) {
  const res = await fetch(`${url}/v1/clusters`, { method: "POST", body: JSON.stringify({ nodes, simulation: { profile: "fast" } }) });
  if (res.status !== 201) throw new Error(`create cluster: ${res.status} ${await res.text()}`);
  const cluster = await res.json();
  cluster.headers = { authorization: `Bearer ${cluster.token}`, "content-type": "application/json" };
  cluster.get = async (path) => (await fetch(`${cluster.server}${path}`, { headers: cluster.headers })).json();
  const send = (method, contentType = "application/json") => async (path, body) => {
    const r = await fetch(`${cluster.server}${path}`, { method, headers: { ...cluster.headers, "content-type": contentType }, body: JSON.stringify(body) });
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return r.json();
  };
  cluster.post = send("POST");
  cluster.patch = send("PATCH", "application/merge-patch+json");
  /** `GET /v1/clusters/{id}`: object counts, the armed alarm, settings and activity counters. */
  cluster.summary = async () => (await fetch(`${url}/v1/clusters/${cluster.id}`, { headers: cluster.headers })).json();
  /** A management API call on this cluster (`PUT /v1/clusters/{id}/...`). */
  cluster.manage = async (method, path, body) => {
    const r = await fetch(`${url}/v1/clusters/${cluster.id}${path}`, { method, headers: cluster.headers, body: JSON.stringify(body) });
    if (r.status >= 300) throw new Error(`${method} /v1/clusters/${cluster.id}${path}: ${r.status} ${await r.text()}`);
    return r.json();
  };
  return cluster;
}

/** Adds nodes `node-{from}`…`node-{to}` through the Kubernetes API (the management API seeds at most 50). */
async function addNodes(cluster, from, to) {
  await pool(to - from + 1, CONCURRENCY, (i) => cluster.post("/api/v1/nodes", { metadata: { name: `node-${from + i}` } }));
}

const bareNginx = (name, extra = {}) => ({ metadata: { name, labels: { app: "bench" } }, spec: { containers: [{ name: "nginx", image: "nginx:1.25", resources: { requests: { cpu: "10m", memory: "16Mi" } } }], ...extra } });

async function countPods(cluster, fieldSelector) {
  const list = await cluster.get(`/api/v1/namespaces/default/pods?fieldSelector=${encodeURIComponent(fieldSelector)}`);
  return list.items.length;
}

// ---- the API server ---------------------------------------------------------------------------

/** Cluster creation, pod create/get/list latency and throughput, watch delivery, raw inserts. */
async function apiServer({ url, pid }) {
  const results = {};
  const create = () => fetch(`${url}/v1/clusters`, { method: "POST", body: "{}" }).then((r) => r.json());
  await create(); // warm-up
  const clusterLatencies = [];
  for (let i = 0; i < 30; i++) clusterLatencies.push((await timed(create))[0]);
  results.clusterCreateMs = { ...summary(clusterLatencies), target: "p50 < 50" };

  const cluster = await create();
  const headers = { authorization: `Bearer ${cluster.token}`, "content-type": "application/json" };
  const pods = `${cluster.server}/api/v1/namespaces/default/pods`;

  const createPod = async (i) => {
    const res = await fetch(pods, { method: "POST", headers, body: podBody(i) });
    if (res.status !== 201) throw new Error(`create pod ${i}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
  // Latency from one client at a time (no queueing), then throughput with CONCURRENCY in flight.
  const sequential = Math.min(1000, PODS);
  const latency = await pool(sequential, 1, createPod);
  const throughput = await pool(PODS - sequential, CONCURRENCY, (i) => createPod(sequential + i));
  results.podCreate = {
    count: PODS,
    latency: { requests: sequential, ...summary(latency.latencies), target: "p99 < 25 ms" },
    throughput: { requests: PODS - sequential, concurrency: CONCURRENCY, perSecond: Math.round((PODS - sequential) / throughput.seconds), ...summary(throughput.latencies) },
  };

  const gets = await pool(1000, 1, async (i) => {
    const res = await fetch(`${pods}/bench-${(i * 7) % PODS}`, { headers });
    await res.arrayBuffer();
  });
  results.podGet = { count: 1000, ...summary(gets.latencies), perSecond: Math.round(1000 / gets.seconds) };

  const lists = [];
  for (let i = 0; i < 5; i++) {
    const [ms, count] = await timed(async () => (await (await fetch(pods, { headers })).json()).items.length);
    if (count !== PODS) throw new Error(`list returned ${count}`);
    lists.push(ms);
  }
  results.listPodsMs = { items: PODS, ...summary(lists), target: "< 500" };
  results.watchDeliveryMs = await watchDelivery(cluster, headers);

  // Raw inserts through the same Worker → Durable Object hop, one per request, same concurrency.
  const raw = await pool(PODS - sequential, CONCURRENCY, async (i) => {
    const res = await fetch(`${cluster.server}/__bench/raw`, { method: "POST", headers, body: podBody(i) });
    if (res.status !== 201) throw new Error(`raw insert: ${res.status}`);
    await res.arrayBuffer();
  });
  const rawPerSecond = Math.round((PODS - sequential) / raw.seconds);
  results.rawInsert = { requests: PODS - sequential, concurrency: CONCURRENCY, perSecond: rawPerSecond, ...summary(raw.latencies) };
  results.apiToRawRatio = { value: +(results.podCreate.throughput.perSecond / rawPerSecond).toFixed(3), target: ">= 0.25" };
  results.workerdRssMiB = { afterPods: rssMiB(pid) };
  return results;
}

/** The time from sending a create to its event arriving on an open watch. */
async function watchDelivery(cluster, headers) {
  const controller = new AbortController();
  const watch = await fetch(`${cluster.server}/api/v1/namespaces/default/configmaps?watch=true`, { headers, signal: controller.signal });
  const reader = watch.body.getReader();
  const pending = new Map();
  let buffered = "";
  const decoder = new TextDecoder();
  (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ done: true }));
      if (done) return;
      buffered += decoder.decode(value, { stream: true });
      let nl;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (!line.trim()) continue;
        const event = JSON.parse(line);
        pending.get(event.object.metadata.name)?.(performance.now());
      }
    }
  })();
  const deliveries = [];
  for (let i = 0; i < 200; i++) {
    const name = `watched-${i}`;
    const arrived = new Promise((resolve) => pending.set(name, resolve));
    const sent = performance.now();
    await fetch(`${cluster.server}/api/v1/namespaces/default/configmaps`, { method: "POST", headers, body: JSON.stringify({ metadata: { name } }) }).then((r) => r.arrayBuffer());
    deliveries.push((await arrived) - sent);
  }
  controller.abort();
  return { events: 200, ...summary(deliveries) };
}

// ---- the simulated data plane and controllers, in the fast profile ----------------------------

/** 1,000 bare pods from creation to all Running. */
async function podsRunning({ url }) {
  const cluster = await fastCluster(url, 10);
  const start = performance.now();
  await pool(1000, CONCURRENCY, (i) => cluster.post("/api/v1/namespaces/default/pods", bareNginx(`p-${i}`)));
  await waitFor("1,000 pods Running", async () => (await countPods(cluster, "status.phase=Running")) === 1000);
  const seconds = (performance.now() - start) / 1000;
  return { podsRunning: { pods: 1000, nodes: 10, seconds: +seconds.toFixed(2), podsPerSecond: Math.round(1000 / seconds), target: "< 5 s", alarmAfterwards: (await cluster.summary()).alarm } };
}

/**
 * Scheduler decisions on 100 nodes and 5,000 pods: the pods wait behind a taint on every node;
 * removing the taints lets the scheduler bind them all, and that stretch is what is timed.
 */
async function scheduler({ url }) {
  const cluster = await fastCluster(url, 50);
  await cluster.manage("PATCH", "", { simulation: { sandboxSeconds: 3600 } });
  await addNodes(cluster, 51, 100);
  const taint = (taints) => pool(100, CONCURRENCY, (i) => cluster.patch(`/api/v1/nodes/node-${i + 1}`, { spec: { taints } }));
  await taint([{ key: "bench", value: "wait", effect: "NoSchedule" }]);
  const pods = 5000;
  await pool(pods, CONCURRENCY, (i) => cluster.post("/api/v1/namespaces/default/pods", bareNginx(`s-${i}`)));
  const start = performance.now();
  await taint(null);
  await waitFor("5,000 pods bound", async () => (await countPods(cluster, "spec.nodeName=")) === 0, 600_000);
  const seconds = (performance.now() - start) / 1000;
  return { scheduler: { nodes: 100, pods, seconds: +seconds.toFixed(2), decisionsPerSecond: Math.round(pods / seconds), target: ">= 500/s", note: "from lifting a taint on every node to the last binding" } };
}

/** A Deployment of 1,000 replicas to available, then a full rolling update. */
async function deployment({ url }) {
  const cluster = await fastCluster(url, 20);
  const big = {
    apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "big" },
    spec: { replicas: 1000, selector: { matchLabels: { app: "big" } }, template: { metadata: { labels: { app: "big" } }, spec: { containers: [{ name: "nginx", image: "nginx:1.25", resources: { requests: { cpu: "1m", memory: "1Mi" } } }] } } },
  };
  const available = async () => {
    const d = await cluster.get("/apis/apps/v1/namespaces/default/deployments/big");
    const s = d.status ?? {};
    return d.metadata.generation === s.observedGeneration && s.updatedReplicas === 1000 && s.availableReplicas === 1000 && s.replicas === 1000;
  };
  await cluster.post("/apis/apps/v1/namespaces/default/deployments", big);
  const toAvailable = await waitFor("1,000 replicas available", available, 300_000);
  await cluster.patch("/apis/apps/v1/namespaces/default/deployments/big", {
    spec: { template: { spec: { containers: [{ name: "nginx", image: "nginx:1.27", resources: { requests: { cpu: "1m", memory: "1Mi" } } }] } } },
  });
  const rollout = await waitFor("rolling update", available, 600_000);
  const { alarm, resourceVersion } = await cluster.summary();
  return { deployment: { replicas: 1000, secondsToAvailable: +toAvailable.toFixed(2), secondsForRollout: +rollout.toFixed(2), targets: "< 5 s to available, < 10 s rollout", alarmAfterwards: alarm, resourceVersion } };
}

// ---- HorizontalPodAutoscaler (issue 6) --------------------------------------------------------

const HPA_CONTROLLER = "horizontal-pod-autoscaler";
/** Upstream's --horizontal-pod-autoscaler-sync-period, in simulated seconds. */
const HPA_SYNC_SECONDS = 15;

/**
 * 100 HPAs (CPU 50%) over 100 Deployments of 1–2 hpa-example replicas, 10 of them under load so
 * their HPAs scale up. Over a window of wall time, from the cluster's activity counters: HPA
 * evaluations per second and alarm wake-ups per simulated minute (wall seconds ÷ timeScale).
 */
async function hpa({ url }) {
  const count = Number(process.env.BENCH_HPAS ?? 100);
  const loaded = Math.ceil(count / 10);
  const windowSeconds = Number(process.env.BENCH_HPA_WINDOW ?? 6);
  const cluster = await fastCluster(url, 10);
  const ns = "/apis/apps/v1/namespaces/default";
  await pool(count, CONCURRENCY, async (i) => {
    const name = `hpa-${i}`;
    const labels = { app: name };
    await cluster.post(`${ns}/deployments`, {
      metadata: { name },
      spec: {
        replicas: 1 + (i % 2), selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: "php-apache", image: "registry.k8s.io/hpa-example", resources: { requests: { cpu: "200m" }, limits: { cpu: "500m" } } }] } },
      },
    });
    await cluster.post("/api/v1/namespaces/default/services", { metadata: { name }, spec: { selector: labels, ports: [{ port: 80 }] } });
  });
  const replicas = async () => (await cluster.get(`${ns}/deployments`)).items.map((d) => ({ name: d.metadata.name, spec: d.spec.replicas, available: d.status?.availableReplicas ?? 0 }));
  await waitFor("the Deployments available", async () => (await replicas()).every((d) => d.available === d.spec), 300_000);
  await pool(count, CONCURRENCY, (i) => cluster.post("/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers", {
    metadata: { name: `hpa-${i}` },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: `hpa-${i}` }, minReplicas: 1, maxReplicas: 5,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } }],
    },
  }));
  const hpas = "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers";
  await waitFor("every HPA evaluated once", async () => (await cluster.get(hpas)).items.every((h) => h.status?.conditions?.length), 120_000);
  const initial = new Map((await replicas()).map((d) => [d.name, d.spec]));
  await pool(loaded, CONCURRENCY, (i) => cluster.manage("PUT", `/namespaces/default/services/hpa-${i * 10}/load`, { requestsPerSecond: 100 }));

  const before = await cluster.summary();
  const start = performance.now();
  await sleep(windowSeconds * 1000);
  const after = await cluster.summary();
  const wallSeconds = (performance.now() - start) / 1000;
  if (after.activity.since !== before.activity.since) throw new Error("bench: the cluster's Durable Object restarted during the HPA window");

  const { timeScale } = after.simulation;
  const simulatedMinutes = wallSeconds / timeScale / 60;
  const reconciles = Object.fromEntries(Object.entries(after.activity.reconciles)
    .map(([name, n]) => [name, n - (before.activity.reconciles[name] ?? 0)]).filter(([, n]) => n > 0));
  const evaluations = reconciles[HPA_CONTROLLER] ?? 0;
  const alarms = after.activity.alarms - before.activity.alarms;
  const final = await replicas();
  const scaledUp = final.filter((d) => d.spec > initial.get(d.name)).length;
  const scaledDown = final.filter((d) => d.spec < initial.get(d.name)).length;
  return {
    hpa: {
      hpas: count, deployments: count, underLoad: loaded, timeScale,
      // Loaded ones scale up; the unloaded 2-replica ones down to 1 once the 5-minute stabilization passes.
      deploymentsScaledInWindow: { up: scaledUp, down: scaledDown },
      window: { wallSeconds: +wallSeconds.toFixed(2), simulatedMinutes: +simulatedMinutes.toFixed(2) },
      evaluations,
      evaluationsPerSecond: Math.round(evaluations / wallSeconds),
      expectedEvaluationsPerSecond: Math.round(count / (HPA_SYNC_SECONDS * timeScale)),
      alarmWakeUpsPerSimulatedMinute: Math.round(alarms / simulatedMinutes),
      alarmWakeUpsTarget: `${60 / HPA_SYNC_SECONDS} (one per sync period) … ${count * 60 / HPA_SYNC_SECONDS} (one per HPA per sync period)`,
      reconcilesInWindow: reconciles,
      note: "alarm wake-ups count every alarm in the window, HPA or not (the loaded Deployments' new pods wake the kubelet too)",
    },
  };
}

// ---- StatefulSet, DaemonSet, Job and CronJob (issue 7) ----------------------------------------

const nginxTemplate = (labels) => ({ metadata: { labels }, spec: { containers: [{ name: "nginx", image: "nginx:1.25", resources: { requests: { cpu: "1m", memory: "1Mi" } } }] } });

/** A StatefulSet of 100 replicas, OrderedReady: from create to all Ready. */
async function statefulSet({ url }) {
  const replicas = 100;
  const cluster = await fastCluster(url, 10);
  const labels = { app: "web" };
  await cluster.post("/api/v1/namespaces/default/services", { metadata: { name: "web" }, spec: { clusterIP: "None", selector: labels, ports: [{ port: 80 }] } });
  const start = performance.now();
  await cluster.post("/apis/apps/v1/namespaces/default/statefulsets", {
    metadata: { name: "web" },
    spec: { serviceName: "web", replicas, podManagementPolicy: "OrderedReady", selector: { matchLabels: labels }, template: nginxTemplate(labels) },
  });
  await waitFor("100 StatefulSet replicas Ready", async () => (await cluster.get("/apis/apps/v1/namespaces/default/statefulsets/web")).status?.readyReplicas === replicas, 600_000);
  const seconds = (performance.now() - start) / 1000;
  const { activity } = await cluster.summary();
  return { statefulSet: { replicas, podManagementPolicy: "OrderedReady", seconds: +seconds.toFixed(2), msPerPod: Math.round((seconds * 1000) / replicas), alarms: activity.alarms, reconciles: activity.reconciles } };
}

/** A DaemonSet on 200 nodes (all Ready first): from create to a pod available on every node. */
async function daemonSet({ url }) {
  const nodes = 200;
  const cluster = await fastCluster(url, 50);
  await addNodes(cluster, 51, nodes);
  const ready = (n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
  await waitFor("200 nodes Ready", async () => (await cluster.get("/api/v1/nodes")).items.filter(ready).length === nodes);
  const labels = { app: "agent" };
  const start = performance.now();
  await cluster.post("/apis/apps/v1/namespaces/default/daemonsets", { metadata: { name: "agent" }, spec: { selector: { matchLabels: labels }, template: nginxTemplate(labels) } });
  await waitFor("a daemon pod available on 200 nodes", async () => {
    const s = (await cluster.get("/apis/apps/v1/namespaces/default/daemonsets/agent")).status ?? {};
    return s.desiredNumberScheduled === nodes && s.numberAvailable === nodes;
  }, 600_000);
  const seconds = (performance.now() - start) / 1000;
  const { activity } = await cluster.summary();
  return { daemonSet: { nodes, seconds: +seconds.toFixed(2), alarms: activity.alarms, reconciles: activity.reconciles } };
}

/** A Job of 1,000 completions, parallelism 50, of pods that exit 0 at once: from create to Complete. */
async function job({ url }) {
  const completions = 1000;
  const parallelism = 50;
  const cluster = await fastCluster(url, 20);
  const start = performance.now();
  await cluster.post("/apis/batch/v1/namespaces/default/jobs", {
    metadata: { name: "many" },
    spec: { completions, parallelism, template: { spec: { restartPolicy: "Never", containers: [{ name: "work", image: "busybox:1.36", command: ["true"], resources: { requests: { cpu: "1m", memory: "1Mi" } } }] } } },
  });
  let status;
  await waitFor("the Job Complete", async () => {
    status = (await cluster.get("/apis/batch/v1/namespaces/default/jobs/many")).status ?? {};
    return status.conditions?.some((c) => c.type === "Complete" && c.status === "True");
  }, 600_000);
  const seconds = (performance.now() - start) / 1000;
  const { activity } = await cluster.summary();
  return { job: { completions, parallelism, seconds: +seconds.toFixed(2), completionsPerSecond: Math.round(completions / seconds), succeeded: status.succeeded, failed: status.failed ?? 0, alarms: activity.alarms, reconciles: activity.reconciles } };
}

/**
 * The Worker's scheduled event over 1,000 clusters, 10 of them with a CronJob due: how long the
 * trigger takes and which clusters it woke (the `wakes` activity counter; must be exactly those 10).
 * CronJobs run on wall-clock time, so the trigger fires at the first minute boundary after they
 * are in the D1 index, with that boundary as its scheduled time, as the platform's cron would.
 */
async function scheduledTrigger({ url }) {
  const total = Number(process.env.BENCH_TRIGGER_CLUSTERS ?? 1000);
  const withCronJobs = 10;
  const [createMs, clusters] = await timed(async () => {
    const made = new Array(total);
    await pool(total, CONCURRENCY, async (i) => (made[i] = await fastCluster(url, 1)));
    return made;
  });
  const due = new Set();
  for (let i = 0; i < withCronJobs; i++) {
    const cluster = clusters[Math.floor((i * total) / withCronJobs)];
    await cluster.post("/apis/batch/v1/namespaces/default/cronjobs", {
      metadata: { name: "hello" },
      spec: { schedule: "* * * * *", jobTemplate: { spec: { template: { spec: { restartPolicy: "OnFailure", containers: [{ name: "hello", image: "busybox:1.36", command: ["date"] }] } } } } },
    });
    due.add(cluster.id);
  }
  // A boundary at least 2 s away, so the outbox has put every CronJob in the D1 index by then. The
  // trigger fires at the boundary itself, as the platform's does (a later one would find the same 10
  // due: nothing but the trigger fires a CronJob, so nothing moves the index on before it).
  const boundary = Math.ceil((Date.now() + 2000) / 60_000) * 60_000;
  await sleep(boundary - Date.now());
  const [triggerMs, res] = await timed(() => fetch(`${url}/__scheduled?cron=${encodeURIComponent("* * * * *")}&time=${boundary}`));
  if (!res.ok) throw new Error(`scheduled event: ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
  const wakes = new Array(total);
  const [readMs] = await timed(() => pool(total, CONCURRENCY, async (i) => (wakes[i] = (await clusters[i].summary()).activity.wakes)));
  const woken = clusters.filter((_, i) => wakes[i] >= 1).map((c) => c.id);
  // Each woken cluster starts that minute's Job (<cronjob>-<minutes since the epoch>).
  const jobName = `hello-${boundary / 60_000}`;
  let jobsStarted = 0;
  for (const cluster of clusters.filter((c) => due.has(c.id))) {
    await waitFor(`Job ${jobName}`, async () => (await fetch(`${cluster.server}/apis/batch/v1/namespaces/default/jobs/${jobName}`, { headers: cluster.headers })).ok, 10_000).catch(() => {});
    jobsStarted += (await fetch(`${cluster.server}/apis/batch/v1/namespaces/default/jobs/${jobName}`, { headers: cluster.headers })).ok ? 1 : 0;
  }
  return {
    scheduledTrigger: {
      clusters: total, withDueCronJobs: withCronJobs, triggerMs: Math.round(triggerMs), woken: woken.length, target: `woken = ${withCronJobs}`,
      wokenAreTheDueOnes: woken.length === due.size && woken.every((id) => due.has(id)), jobsStarted,
      secondsToCreateClusters: +(createMs / 1000).toFixed(1), secondsToReadSummaries: +(readMs / 1000).toFixed(1),
    },
  };
}

// ---- running them ---------------------------------------------------------------------------

/** Every figure by name, in the order `npm run bench` runs them (BENCH_ONLY picks by these names). */
const FIGURES = { api: apiServer, podsRunning, scheduler, deployment, hpa, statefulSet, daemonSet, job, scheduledTrigger };

function selectedFigures() {
  if (process.env.BENCH_ONLY_API) return ["api"];
  if (!process.env.BENCH_ONLY) return Object.keys(FIGURES);
  const names = process.env.BENCH_ONLY.split(",").map((n) => n.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(n in FIGURES));
  if (unknown.length) throw new Error(`BENCH_ONLY: unknown ${unknown.join(", ")} (known: ${Object.keys(FIGURES).join(", ")})`);
  return names;
}

async function main() {
  const figures = selectedFigures();
  const persistTo = mkdtempSync(join(tmpdir(), "kubeflare-bench-"));
  const server = await startServer({ port: PORT, persistTo, stdio: "pipe", vars: { KUBEFLARE_BENCH: "1" }, scheduler: false });
  const results = { machine: { cpus: (await import("node:os")).cpus().length, node: process.version } };
  try {
    for (const name of figures) {
      Object.assign(results, await FIGURES[name]({ url: server.url, pid: server.pid }));
    }
    results.workerdRssMiB = { ...results.workerdRssMiB, atEnd: rssMiB(server.pid) };
  } finally {
    await server.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
  console.log(JSON.stringify(results, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
