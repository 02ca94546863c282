/**
 * Unknown-field detection for `fieldValidation=Strict|Warn`, against the same generated schemas
 * that /openapi/v3 serves. Follows upstream's strict JSON decoding (sigs.k8s.io/json), which names
 * each unknown field by its path from the object root: `spec.template.spec.containers[0].imagee`.
 */
import { componentSchema, schemaNameOfKind, type Schema } from "./openapi";

/**
 * Paths of fields in `obj` not declared by the kind's schema, as upstream reports them for
 * fieldValidation=Strict: e.g. ["spec.foo", "spec.template.spec.containers[0].imagee"].
 * metadata, apiVersion, kind and status are all checked; maps (additionalProperties) check their
 * values, and free-form fields (RawExtension, FieldsV1: objects without properties) accept
 * anything. Values of the wrong JSON type are not this function's concern and are skipped.
 * A kind without a schema has no unknown fields.
 */
export function unknownFields(apiVersion: string, kind: string, obj: unknown): string[] {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/", 2) : ["", apiVersion];
  const name = schemaNameOfKind({ group, version, kind });
  const schema = name && componentSchema(name);
  const found: string[] = [];
  if (schema) collectUnknown(schema, obj, "", found);
  return found;
}

function collectUnknown(schema: Schema, value: unknown, path: string, found: string[]): void {
  const resolved = resolve(schema);
  if (!resolved || value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    if (resolved.items) value.forEach((item, i) => collectUnknown(resolved.items!, item, `${path}[${i}]`, found));
    return;
  }
  const properties = resolved.properties;
  const additional = resolved.additionalProperties;
  if (!properties && !additional) return; // free-form object
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    if (properties && Object.hasOwn(properties, key)) collectUnknown(properties[key], child, childPath, found);
    else if (additional) collectUnknown(additional, child, childPath, found);
    else found.push(childPath);
  }
}

/** Follows `$ref` and the single-element `allOf` that carries a referenced field's description. */
function resolve(schema: Schema): Schema | undefined {
  let current: Schema | undefined = schema;
  for (let depth = 0; current && depth < 8; depth++) {
    if (current.$ref) current = componentSchema(current.$ref);
    else if (current.allOf?.length === 1 && !current.properties) current = current.allOf[0];
    else return current;
  }
  return current;
}
