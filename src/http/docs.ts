/** /openapi.yaml as bundled text, and /docs: a plain HTML page generated from it (no CDN needed). */
import { parse } from "yaml";
import OPENAPI_YAML from "../../openapi.yaml";

export { OPENAPI_YAML };

const escape = (s: unknown) => String(s ?? "").replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

let page: string | undefined;

export function docsPage(): string {
  if (page) return page;
  const spec = parse(OPENAPI_YAML) as {
    info: { title: string; description?: string };
    paths: Record<string, Record<string, { summary?: string; responses?: Record<string, { description?: string }> }>>;
  };
  const rows: string[] = [];
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (method === "parameters") continue;
      const responses = Object.entries(op.responses ?? {}).map(([code, r]) => `${code} ${escape(r.description)}`).join("<br>");
      rows.push(`<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escape(path)}</code></td><td>${escape(op.summary)}</td><td>${responses}</td></tr>`);
    }
  }
  page = `<!doctype html><html><head><meta charset="utf-8"><title>${escape(spec.info.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:70em;margin:2em auto;padding:0 1em}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4em;text-align:left;vertical-align:top}pre{background:#f6f6f6;padding:1em;overflow:auto}</style>
</head><body><h1>${escape(spec.info.title)}</h1><p>${escape(spec.info.description).replace(/\n/g, " ")}</p>
<h2>Quick start</h2><pre>curl -sk -X POST https://127.0.0.1:8787/v1/clusters -d '{"name":"demo"}' | jq -r .kubeconfig > demo.kubeconfig
KUBECONFIG=demo.kubeconfig kubectl get nodes</pre>
<h2>Endpoints</h2><table><tr><th>Method</th><th>Path</th><th>Summary</th><th>Responses</th></tr>${rows.join("")}</table>
<p>The machine-readable document: <a href="/openapi.yaml">/openapi.yaml</a>.</p></body></html>`;
  return page;
}
