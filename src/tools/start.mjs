// `npm start`: the local server on https://127.0.0.1:8787 (PORT overrides) with persistence in
// .wrangler/state, migrations applied and cron triggers fired every minute.
import { startServer } from "./server.mjs";

const port = Number(process.env.PORT ?? 8787);
const server = await startServer({ port });
console.log(`kubeflare is serving on ${server.url} — try: curl -sk -X POST ${server.url}/v1/clusters`);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await server.stop();
    process.exit(0);
  });
}
