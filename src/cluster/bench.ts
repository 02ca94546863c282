/**
 * A bench-only path (enabled by the KUBEFLARE_BENCH variable, which only `npm run bench` sets): one
 * raw SQLite insert per request, through the same Worker → Durable Object hop as an API create, so
 * the benchmark can report how much of a create's cost is the API machinery itself.
 */
export function rawInsert(sql: SqlStorage, body: string): Response {
  sql.exec("CREATE TABLE IF NOT EXISTS bench_raw (id INTEGER PRIMARY KEY, data TEXT NOT NULL)");
  sql.exec("INSERT INTO bench_raw (data) VALUES (?)", body);
  return new Response(null, { status: 201 });
}
