/** The cluster registry in D1. */
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { clusters, type ClusterRow } from "./schema";
import { hashToken } from "./tokens";

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

  /** The id of the cluster whose token this is (the cluster's object still checks it itself). */
  async idForToken(token: string): Promise<string | undefined> {
    const hash = await hashToken(token);
    return (await this.db.select({ id: clusters.id }).from(clusters).where(eq(clusters.tokenHash, hash)).limit(1))[0]?.id;
  }
}
