// `npm run bench`: starts the Worker locally and prints performance figures as JSON. A benchmark,
// not a test: it asserts nothing, it measures. Targets are printed beside the figures.
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

async function fastCluster(url, nodes) {
  const res = await fetch(`${url}/v1/clusters`, { method: "POST", body: JSON.stringify({ nodes, simulation: { profile: "fast" } }) });
  const cluster = await res.json();
  cluster.headers = { authorization: `Bearer ${cluster.token}`, "content-type": "application/json" };
  cluster.get = async (path) => (await fetch(`${cluster.server}${path}`, { headers: cluster.headers })).json();
  cluster.post = async (path, body) => {
    const r = await fetch(`${cluster.server}${path}`, { method: "POST", headers: cluster.headers, body: JSON.stringify(body) });
    if (r.status >= 300) throw new Error(`POST ${path}: ${r.status} ${await r.text()}`);
    return r.json();
  };
  return cluster;
}

const bareNginx = (name, extra = {}) => ({ metadata: { name, labels: { app: "bench" } }, spec: { containers: [{ name: "nginx", image: "nginx:1.25", resources: { requests: { cpu: "10m", memory: "16Mi" } } }], ...extra } });

async function countPods(cluster, fieldSelector) {
  const list = await cluster.get(`/api/v1/namespaces/default/pods?fieldSelector=${encodeURIComponent(fieldSelector)}`);
  return list.items.length;
}

/** The simulated data plane and controllers at scale, in the fast profile. */
async function dataPlane(url) {
  const out = {};

  // 1,000 bare pods from creation to all Running.
  {
    const cluster = await fastCluster(url, 10);
    const start = performance.now();
    await pool(1000, CONCURRENCY, (i) => cluster.post("/api/v1/namespaces/default/pods", bareNginx(`p-${i}`)));
    await waitFor("1,000 pods Running", async () => (await countPods(cluster, "status.phase=Running")) === 1000);
    const seconds = (performance.now() - start) / 1000;
    out.podsRunning = { pods: 1000, nodes: 10, seconds: +seconds.toFixed(2), podsPerSecond: Math.round(1000 / seconds), target: "< 5 s" };
    const summary = await (await fetch(`${url}/v1/clusters/${cluster.id}`, { headers: cluster.headers })).json();
    out.podsRunning.alarmAfterwards = summary.alarm;
  }

  // Scheduler decisions on 100 nodes and 5,000 pods: the pods wait behind a taint on every node;
  // removing the taints lets the scheduler bind them all, and that stretch is what is timed.
  {
    const cluster = await fastCluster(url, 50);
    await fetch(`${url}/v1/clusters/${cluster.id}`, { method: "PATCH", headers: cluster.headers, body: JSON.stringify({ simulation: { sandboxSeconds: 3600 } }) });
    for (let i = 51; i <= 100; i++) await cluster.post("/api/v1/nodes", { metadata: { name: `node-${i}` } });
    const taint = (taints) => pool(100, CONCURRENCY, (i) => fetch(`${cluster.server}/api/v1/nodes/node-${i + 1}`, {
      method: "PATCH", headers: { ...cluster.headers, "content-type": "application/merge-patch+json" }, body: JSON.stringify({ spec: { taints } }),
    }).then((r) => r.arrayBuffer()));
    await taint([{ key: "bench", value: "wait", effect: "NoSchedule" }]);
    const pods = 5000;
    await pool(pods, CONCURRENCY, (i) => cluster.post("/api/v1/namespaces/default/pods", bareNginx(`s-${i}`)));
    const start = performance.now();
    await taint(null);
    await waitFor("5,000 pods bound", async () => (await countPods(cluster, "spec.nodeName=")) === 0, 600_000);
    const seconds = (performance.now() - start) / 1000;
    out.scheduler = { nodes: 100, pods, seconds: +seconds.toFixed(2), decisionsPerSecond: Math.round(pods / seconds), target: ">= 500/s", note: "from lifting a taint on every node to the last binding" };
  }

  // A Deployment of 1,000 replicas to available, then a full rolling update.
  {
    const cluster = await fastCluster(url, 20);
    const deployment = {
      apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "big" },
      spec: { replicas: 1000, selector: { matchLabels: { app: "big" } }, template: { metadata: { labels: { app: "big" } }, spec: { containers: [{ name: "nginx", image: "nginx:1.25", resources: { requests: { cpu: "1m", memory: "1Mi" } } }] } } },
    };
    const available = async () => {
      const d = await cluster.get("/apis/apps/v1/namespaces/default/deployments/big");
      const s = d.status ?? {};
      return d.metadata.generation === s.observedGeneration && s.updatedReplicas === 1000 && s.availableReplicas === 1000 && s.replicas === 1000;
    };
    await cluster.post("/apis/apps/v1/namespaces/default/deployments", deployment);
    const toAvailable = await waitFor("1,000 replicas available", available, 300_000);
    await fetch(`${cluster.server}/apis/apps/v1/namespaces/default/deployments/big`, {
      method: "PATCH", headers: { ...cluster.headers, "content-type": "application/merge-patch+json" },
      body: JSON.stringify({ spec: { template: { spec: { containers: [{ name: "nginx", image: "nginx:1.27", resources: { requests: { cpu: "1m", memory: "1Mi" } } }] } } } }),
    });
    const rollout = await waitFor("rolling update", available, 600_000);
    const summary = await (await fetch(`${url}/v1/clusters/${cluster.id}`, { headers: cluster.headers })).json();
    out.deployment = { replicas: 1000, secondsToAvailable: +toAvailable.toFixed(2), secondsForRollout: +rollout.toFixed(2), targets: "< 5 s to available, < 10 s rollout", alarmAfterwards: summary.alarm, resourceVersion: summary.resourceVersion };
  }
  return out;
}

async function main() {
  const persistTo = mkdtempSync(join(tmpdir(), "kubeflare-bench-"));
  const server = await startServer({ port: PORT, persistTo, stdio: "pipe", vars: { KUBEFLARE_BENCH: "1" }, scheduler: false });
  const results = { machine: { cpus: (await import("node:os")).cpus().length, node: process.version } };
  try {
    const create = () => fetch(`${server.url}/v1/clusters`, { method: "POST", body: "{}" }).then((r) => r.json());
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

    // Watch delivery: the time from sending a create to its event arriving on an open watch.
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
    results.watchDeliveryMs = { events: 200, ...summary(deliveries) };

    // Raw inserts through the same Worker → Durable Object hop, one per request, same concurrency.
    const raw = await pool(PODS - sequential, CONCURRENCY, async (i) => {
      const res = await fetch(`${cluster.server}/__bench/raw`, { method: "POST", headers, body: podBody(i) });
      if (res.status !== 201) throw new Error(`raw insert: ${res.status}`);
      await res.arrayBuffer();
    });
    const rawPerSecond = Math.round((PODS - sequential) / raw.seconds);
    results.rawInsert = { requests: PODS - sequential, concurrency: CONCURRENCY, perSecond: rawPerSecond, ...summary(raw.latencies) };
    results.apiToRawRatio = { value: +(results.podCreate.throughput.perSecond / rawPerSecond).toFixed(3), target: ">= 0.25" };
    results.workerdRssMiB = { afterPods: rssMiB(server.pid) };

    if (!process.env.BENCH_ONLY_API) {
      Object.assign(results, await dataPlane(server.url));
      results.workerdRssMiB.afterDataPlane = rssMiB(server.pid);
    }
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
