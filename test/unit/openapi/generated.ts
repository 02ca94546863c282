/**
 * Imported first by the tests of this folder: (re)runs src/tools/gen-schemas.mjs when
 * src/generated/schemas.json is missing or older than the generator, so the static import of the
 * JSON in src/api/openapi.ts resolves. Vitest evaluates a test file's imports in order.
 */
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const generator = fileURLToPath(new URL("../../../src/tools/gen-schemas.mjs", import.meta.url));
const output = fileURLToPath(new URL("../../../src/generated/schemas.json", import.meta.url));

if (!existsSync(output) || statSync(output).mtimeMs < statSync(generator).mtimeMs) {
  execFileSync(process.execPath, [generator], { stdio: "inherit" });
}

export const GENERATED_FILE = output;
