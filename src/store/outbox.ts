/**
 * The D1 outbox of a cluster: rows written in the same SQLite transaction as the change that caused
 * them, flushed to D1 afterwards and deleted once D1 has them. Alarms and retries may flush a row
 * twice, so every entry must be idempotent in D1 (insert-or-ignore, upsert, delete).
 */
export class SqlOutbox<Entry> {
  constructor(private readonly sql: SqlStorage) {
    sql.exec("CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, entry TEXT NOT NULL)");
  }

  append(entries: Entry[]): void {
    for (const entry of entries) this.sql.exec("INSERT INTO outbox (entry) VALUES (?)", JSON.stringify(entry));
  }

  peek(limit: number): { id: number; entry: Entry }[] {
    return this.sql
      .exec<{ id: number; entry: string }>("SELECT id, entry FROM outbox ORDER BY id LIMIT ?", limit)
      .toArray()
      .map((r) => ({ id: r.id, entry: JSON.parse(r.entry) }));
  }

  /** Forgets every row up to `id` (D1 has them). */
  ack(id: number): void {
    this.sql.exec("DELETE FROM outbox WHERE id <= ?", id);
  }
}
