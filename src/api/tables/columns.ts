/** Column definitions shared by the printers, and the cells they have in common. */
import type { Container, PodTemplateSpec } from "kubernetes-types/core/v1";
import { FIELD_DOCS } from "./descriptions";
import type { TableColumnDefinition } from "./types";

type Doc = keyof typeof FIELD_DOCS;

/**
 * One column. `doc` is either a field whose API documentation upstream uses as the description
 * ("PodStatus.podIP") or upstream's literal description.
 */
export function column(
  name: string,
  type: TableColumnDefinition["type"],
  doc: Doc | string,
  opts: { format?: string; priority?: number } = {},
): TableColumnDefinition {
  const description = doc in FIELD_DOCS ? FIELD_DOCS[doc as Doc] : doc;
  return Object.freeze({ name, type, format: opts.format ?? "", description, priority: opts.priority ?? 0 });
}

export const wide = { priority: 1 };

export const NAME = column("Name", "string", "ObjectMeta.name", { format: "name" });
export const AGE = column("Age", "string", "ObjectMeta.creationTimestamp");
export const CONTAINERS = column("Containers", "string", "Names of each container in the template.", wide);
export const IMAGES = column("Images", "string", "Images referenced by each container in the template.", wide);

export const columns = (...defs: TableColumnDefinition[]): readonly TableColumnDefinition[] => Object.freeze(defs);

/** layoutContainerCells: container names and images, each comma-joined. */
export function containerCells(template: PodTemplateSpec | undefined): [string, string] {
  const containers: Container[] = template?.spec?.containers ?? [];
  return [containers.map((c) => c.name).join(","), containers.map((c) => c.image ?? "").join(",")];
}

/** "<none>" stands in for an empty cell in several printers. */
export const orNone = (s: string | undefined | null) => (s ? s : "<none>");
