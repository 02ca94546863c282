/** The cluster registry in D1. */
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { clusters, type ClusterRow } from "./schema";

export class ClusterRegistry {
  private readonly db;

  constructor(d1: D1Database) {
    this.db = drizzle(d1);
  }

  async add(row: ClusterRow): Promise<void> {
    await this.db.insert(clusters).values(row);
  }

  async remove(id: string): Promise<void> {
    await this.db.delete(clusters).where(eq(clusters.id, id));
  }

  async get(id: string): Promise<ClusterRow | undefined> {
    return (await this.db.select().from(clusters).where(eq(clusters.id, id)).limit(1))[0];
  }
}
