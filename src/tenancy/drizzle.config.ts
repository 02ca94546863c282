import { defineConfig } from "drizzle-kit";

// `npx drizzle-kit generate --config src/tenancy/drizzle.config.ts` writes migrations/ from schema.ts.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/tenancy/schema.ts",
  out: "./migrations",
});
