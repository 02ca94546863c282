// `npm run bench`: starts the Worker locally and prints performance figures as JSON. A benchmark,
// not a test: it asserts nothing, it measures. Targets are printed beside the figures.
import { mkdtempSync, rmSync } from "node:fs";
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
