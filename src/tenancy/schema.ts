/** The D1 schema (drizzle): the cluster registry. A cluster's objects live in its Durable Object. */
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const clusters = sqliteTable("clusters", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** SHA-256 of the bearer token, hex. */
  tokenHash: text("token_hash").notNull(),
  nodes: integer("nodes").notNull(),
  createdAt: text("created_at").notNull(),
});

export type ClusterRow = typeof clusters.$inferSelect;
