#!/usr/bin/env node
/**
 * Generates OpenAPI v3 component schemas, keyed by upstream definition names
 * (`io.k8s.api.apps.v1.Deployment`), from the `.d.ts` files of the installed `kubernetes-types`
 * package, whose JSDoc carries upstream's field descriptions. Output: src/generated/schemas.json,
 * read by src/api/openapi.ts (served at /openapi/v3, used by `kubectl explain`) and
 * src/api/fieldValidation.ts (fieldValidation=Strict|Warn).
 *
 * Run: `node src/tools/gen-schemas.mjs`. Parsing only (no type checker), so it takes well under a
 * second. It fails loudly on any type shape it does not understand, so a kubernetes-types upgrade
 * that changes the shape of the .d.ts is noticed at build time instead of producing wrong schemas.
 *
 * What the .d.ts cannot tell us, and how it is handled:
 * - int vs float: every `number` becomes `type: integer` (API conventions forbid floats in the
 *   built-in groups we serve; the few floats upstream has are in apiextensions, not served).
 * - IntOrString is inlined as `number | string`: mapped back to a `$ref` to the upstream definition.
 * - patch strategies and merge keys (x-kubernetes-patch-*), list types, enums and defaults are not
 *   in the .d.ts, so they are not emitted.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const require = createRequire(import.meta.url);
const TYPES_DIR = path.dirname(require.resolve("kubernetes-types/package.json"));
const OUT_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../generated/schemas.json");

/** Modules (kubernetes-types paths without `.d.ts`) whose types are emitted: "*" for all of them. */
const ROOTS = {
  "core/v1": "*",
  "apps/v1": "*",
  "batch/v1": "*",
  "autoscaling/v1": "*",
  "autoscaling/v2": "*",
  "policy/v1": "*",
  "storage/v1": "*",
  "discovery/v1": "*",
  "events/v1": "*",
  "coordination/v1": "*",
  "meta/v1": "*",
  "networking/v1": "*",
  "rbac/v1": "*",
  "scheduling/v1": "*",
  // The serviceaccounts/token body and the reviews we answer; the rest of these groups is not served.
  "authentication/v1": ["TokenRequest", "SelfSubjectReview"],
  "authorization/v1": ["SelfSubjectAccessReview", "SelfSubjectRulesReview"],
};

const INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
const REF_PREFIX = "#/components/schemas/";

/** Upstream's Go package path for a kubernetes-types module: "meta/v1" → "io.k8s.apimachinery.pkg.apis.meta.v1". */
function definitionPrefix(module) {
  switch (module) {
    case "meta/v1":
      return "io.k8s.apimachinery.pkg.apis.meta.v1";
    case "runtime":
      return "io.k8s.apimachinery.pkg.runtime";
    case "api/resource":
      return "io.k8s.apimachinery.pkg.api.resource";
    case "version":
      return "io.k8s.apimachinery.pkg.version";
    case "apiextensions/v1":
      return "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1";
    default:
      return `io.k8s.api.${module.replace("/", ".")}`;
  }
}

/** One parsed .d.ts: its declarations by name and where its imported names come from. */
const modules = new Map();

function loadModule(module) {
  let loaded = modules.get(module);
  if (loaded) return loaded;
  const file = path.join(TYPES_DIR, `${module}.d.ts`);
  const text = readFileSync(file, "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const declarations = new Map();
  const imports = new Map();
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const from = path.posix.join(path.posix.dirname(module), statement.moduleSpecifier.text);
      for (const element of statement.importClause?.namedBindings?.elements ?? []) {
        imports.set(element.name.text, from);
      }
    } else if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) {
      declarations.set(statement.name.text, statement);
    } else {
      fail(module, statement, "unexpected top-level statement");
    }
  }
  loaded = { module, text, source, declarations, imports };
  modules.set(module, loaded);
  return loaded;
}

function fail(module, node, message) {
  const where = node ? `:${lineOf(module, node)}` : "";
  throw new Error(`gen-schemas: ${module}.d.ts${where}: ${message}`);
}

function lineOf(module, node) {
  const loaded = modules.get(module);
  if (!loaded) return "";
  return loaded.source.getLineAndCharacterOfPosition(node.getStart(loaded.source)).line + 1;
}

/** The text of the JSDoc block right before `node`, with the comment markers and `*` gutters removed. */
function jsDocOf(loaded, node) {
  const ranges = ts.getLeadingCommentRanges(loaded.text, node.pos) ?? [];
  const docs = ranges.filter((r) => loaded.text.startsWith("/**", r.pos));
  if (docs.length === 0) return undefined;
  const last = docs[docs.length - 1];
  const body = loaded.text.slice(last.pos + 3, last.end - 2);
  const text = body.includes("\n")
    ? body
        .split("\n")
        .map((line) => line.replace(/^\s*\* ?/, ""))
        .join("\n")
    : body;
  return text.replace(/\*\\\//g, "*/").trim() || undefined;
}

/** Work list of definitions still to emit, and the emitted schemas by definition name. */
const pending = [];
const schemas = {};
const seen = new Set();

function request(module, name) {
  const definition = `${definitionPrefix(module)}.${name}`;
  if (!seen.has(definition)) {
    seen.add(definition);
    pending.push({ module, name, definition });
  }
  return definition;
}

function ref(definition) {
  return { $ref: REF_PREFIX + definition };
}

/** Resolves a type name used in `loaded` to its definition name, queueing it for emission. */
function resolveName(loaded, name, node) {
  if (loaded.declarations.has(name)) return request(loaded.module, name);
  const from = loaded.imports.get(name);
  if (!from) fail(loaded.module, node, `unresolved type ${name}`);
  const target = loadModule(from);
  if (!target.declarations.has(name)) fail(loaded.module, node, `${from} does not declare ${name}`);
  return request(from, name);
}

/** The schema of a type expression: inline for primitives, arrays and maps; a $ref for named types. */
function typeSchema(loaded, node) {
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword:
      return { type: "string" };
    case ts.SyntaxKind.NumberKeyword:
      return { type: "integer" };
    case ts.SyntaxKind.BooleanKeyword:
      return { type: "boolean" };
    case ts.SyntaxKind.LiteralType:
      // apiVersion and kind are typed as their literal values; on the wire they are strings.
      if (ts.isStringLiteral(node.literal)) return { type: "string" };
      break;
    case ts.SyntaxKind.ParenthesizedType:
      return typeSchema(loaded, node.type);
    case ts.SyntaxKind.UnionType: {
      const kinds = node.types.map((t) => t.kind).sort();
      const intOrString = [ts.SyntaxKind.StringKeyword, ts.SyntaxKind.NumberKeyword].sort();
      if (kinds.length === 2 && kinds[0] === intOrString[0] && kinds[1] === intOrString[1]) {
        if (!seen.has(INT_OR_STRING)) {
          seen.add(INT_OR_STRING);
          schemas[INT_OR_STRING] = intOrStringSchema();
        }
        return ref(INT_OR_STRING);
      }
      break;
    }
    case ts.SyntaxKind.ArrayType:
      return { type: "array", items: typeSchema(loaded, node.elementType) };
    case ts.SyntaxKind.TypeReference: {
      const name = node.typeName.getText(loaded.source);
      if (name === "Array" && node.typeArguments?.length === 1) {
        return { type: "array", items: typeSchema(loaded, node.typeArguments[0]) };
      }
      if (!node.typeArguments) return ref(resolveName(loaded, name, node));
      break;
    }
    case ts.SyntaxKind.TypeLiteral: {
      const [member, ...rest] = node.members;
      if (member && rest.length === 0 && ts.isIndexSignatureDeclaration(member)) {
        return { type: "object", additionalProperties: typeSchema(loaded, member.type) };
      }
      break;
    }
  }
  fail(loaded.module, node, `unsupported type: ${node.getText(loaded.source)}`);
}

/** A property's schema: a $ref with a description is wrapped in allOf, as upstream's v3 documents do. */
function propertySchema(loaded, member) {
  const description = jsDocOf(loaded, member);
  const schema = typeSchema(loaded, member.type);
  if (!description) return schema;
  if (schema.$ref) return { description, allOf: [schema] };
  return { description, ...schema };
}

function literalOf(member) {
  return member?.type && ts.isLiteralTypeNode(member.type) && ts.isStringLiteral(member.type.literal)
    ? member.type.literal.text
    : undefined;
}

function interfaceSchema(loaded, declaration) {
  if (declaration.heritageClauses?.length || declaration.typeParameters?.length) {
    fail(loaded.module, declaration, "interfaces with extends or type parameters are not supported");
  }
  const schema = { description: jsDocOf(loaded, declaration), type: "object" };
  const properties = {};
  const required = [];
  const members = new Map();
  for (const member of declaration.members) {
    if (!ts.isPropertySignature(member) || !member.type) fail(loaded.module, member, "unsupported member");
    const name = ts.isIdentifier(member.name) || ts.isStringLiteral(member.name) ? member.name.text : undefined;
    if (name === undefined) fail(loaded.module, member, "unsupported property name");
    members.set(name, member);
    properties[name] = propertySchema(loaded, member);
    if (!member.questionToken) required.push(name);
  }
  if (required.length) schema.required = required;
  // An empty interface (RawExtension, FieldsV1, Patch) is free-form JSON: no `properties` at all.
  if (Object.keys(properties).length) schema.properties = properties;
  const apiVersion = literalOf(members.get("apiVersion"));
  const kind = literalOf(members.get("kind"));
  if (apiVersion && kind) {
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
    schema["x-kubernetes-group-version-kind"] = [{ group, kind, version }];
  }
  if (!schema.description) delete schema.description;
  return schema;
}

/** Named aliases of `string`; their wire formats follow upstream's definitions of the same names. */
function aliasSchema(loaded, declaration, definition) {
  if (declaration.type.kind !== ts.SyntaxKind.StringKeyword) {
    fail(loaded.module, declaration, "only aliases of string are supported");
  }
  const description = jsDocOf(loaded, declaration);
  switch (definition) {
    case "io.k8s.apimachinery.pkg.apis.meta.v1.Time":
    case "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime":
      return { description, type: "string", format: "date-time" };
    case "io.k8s.apimachinery.pkg.api.resource.Quantity":
      // No `type`, as upstream: quantities may be written as numbers, and `kubectl explain` then
      // names the type (<Quantity>) instead of printing <string>.
      return { description, oneOf: [{ type: "string" }, { type: "number" }] };
    default:
      return { description, type: "string" };
  }
}

/** IntOrString is not a named type in kubernetes-types, so its description is ours. */
function intOrStringSchema() {
  return {
    description:
      "IntOrString holds either an integer or a string. Fields of this type accept a JSON number or a JSON string, for example a port number or a port name, or a count or a percentage such as \"25%\".",
    // No `type`, as upstream's v3 documents, so `kubectl explain` prints <IntOrString>.
    format: "int-or-string",
    oneOf: [{ type: "integer" }, { type: "string" }],
    "x-kubernetes-int-or-string": true,
  };
}

function emit({ module, name, definition }) {
  const loaded = loadModule(module);
  const declaration = loaded.declarations.get(name);
  schemas[definition] = ts.isInterfaceDeclaration(declaration)
    ? interfaceSchema(loaded, declaration)
    : aliasSchema(loaded, declaration, definition);
}

export function generate() {
  for (const [module, names] of Object.entries(ROOTS)) {
    const loaded = loadModule(module);
    for (const name of names === "*" ? loaded.declarations.keys() : names) {
      if (!loaded.declarations.has(name)) throw new Error(`gen-schemas: ${module}.d.ts does not declare ${name}`);
      request(module, name);
    }
  }
  while (pending.length) emit(pending.shift());
  const sorted = Object.fromEntries(Object.keys(schemas).sort().map((name) => [name, schemas[name]]));
  const body = JSON.stringify(sorted);
  const version = JSON.parse(readFileSync(path.join(TYPES_DIR, "package.json"), "utf8")).version;
  return {
    source: `kubernetes-types@${version}`,
    // Content hash of `schemas`: part of the /openapi/v3 ?hash= of every group-version document.
    hash: createHash("sha256").update(body).digest("hex").slice(0, 32),
    schemas: sorted,
  };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const started = performance.now();
  const output = generate();
  mkdirSync(path.dirname(OUT_FILE), { recursive: true });
  const json = JSON.stringify(output);
  // Write then rename, so a concurrent reader (parallel test workers) never sees a partial file.
  const temporary = `${OUT_FILE}.${process.pid}.tmp`;
  writeFileSync(temporary, json);
  renameSync(temporary, OUT_FILE);
  const ms = Math.round(performance.now() - started);
  console.log(
    `gen-schemas: ${Object.keys(output.schemas).length} schemas from ${output.source}, ` +
      `${(json.length / 1024).toFixed(0)} KiB → ${path.relative(process.cwd(), OUT_FILE)} in ${ms} ms`,
  );
}
