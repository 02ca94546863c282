/** meta.k8s.io/v1 Table: what `kubectl get` asks for with `Accept: ...;as=Table;v=v1;g=meta.k8s.io`. */
import type { KObject } from "../types";

export type IncludeObject = "None" | "Metadata" | "Object";

export interface TableOptions {
  includeObject: IncludeObject;
  /** ms since epoch; every age and duration is measured against it. */
  now: number;
}

/** `priority` 1 columns are shown only by `-o wide`; the rows always carry their cells. */
export interface TableColumnDefinition {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  format: string;
  description: string;
  priority: number;
}

export type Cell = string | number | boolean;

/** metav1.TableRowCondition; pods carry Completed=True once they have succeeded or failed. */
export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface PartialObjectMetadata {
  kind: "PartialObjectMetadata";
  apiVersion: "meta.k8s.io/v1";
  metadata: KObject["metadata"];
}

export interface TableRow {
  cells: Cell[];
  conditions?: TableRowCondition[];
  object?: PartialObjectMetadata | KObject;
}

export interface Table {
  kind: "Table";
  apiVersion: "meta.k8s.io/v1";
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

/** What a printer sees besides the object. */
export interface PrintContext {
  now: number;
}

/** One kind's columns and how to fill them, as one TableHandler in upstream's printers.go. */
export interface Printer {
  columns: readonly TableColumnDefinition[];
  cells(obj: KObject, ctx: PrintContext): Cell[];
  conditions?(obj: KObject): TableRowCondition[] | undefined;
}
