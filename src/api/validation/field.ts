/**
 * Field paths and field errors rendered exactly as apimachinery's util/validation/field does
 * (the 1.33 `ErrorBody`): `Required value`, `Invalid value: "x": detail`, `Unsupported value: "x":
 * supported values: "A", "B"`, and so on. A cause's `field` is the path's String(); the root path
 * (`field.NewPath("")`) renders as "" and is left out of the cause, as metav1.StatusCause omits it.
 */
import type { StatusCause } from "../errors";
import { GoLiteral, renderValue } from "./govalue";

/** field.Path: `spec.template.spec.containers[0].image`, map keys as `[key]` without quotes. */
export class Path {
  private constructor(private readonly text: string) {}

  static root(...names: string[]): Path {
    const [first = "", ...rest] = names;
    return new Path(first).child(...rest);
  }

  child(...names: string[]): Path {
    let text = this.text;
    for (const name of names) text = text === "" ? name : `${text}.${name}`;
    return new Path(text);
  }

  index(i: number): Path {
    return new Path(`${this.text}[${i}]`);
  }

  key(k: string): Path {
    return new Path(`${this.text}[${k}]`);
  }

  toString(): string {
    return this.text;
  }
}

export type Errors = StatusCause[];

function cause(reason: string, path: Path, message: string): StatusCause {
  const field = path.toString();
  return field ? { reason, message, field } : { reason, message };
}

const withDetail = (head: string, detail: string) => (detail ? `${head}: ${detail}` : head);

/** field.Required: "Required value" plus an optional detail. */
export function required(path: Path, detail = ""): StatusCause {
  return cause("FieldValueRequired", path, withDetail("Required value", detail));
}

/** field.Forbidden. */
export function forbidden(path: Path, detail: string): StatusCause {
  return cause("FieldValueForbidden", path, withDetail("Forbidden", detail));
}

/** field.Invalid: strings are Go-quoted, numbers and booleans bare, composites via {@link GoLiteral}. */
export function invalid(path: Path, value: unknown, detail: string): StatusCause {
  return cause("FieldValueInvalid", path, withDetail(`Invalid value: ${renderValue(value)}`, detail));
}

/** field.Invalid with field.OmitValueType{}: no value shown. */
export function invalidOmitValue(path: Path, detail: string): StatusCause {
  return cause("FieldValueInvalid", path, withDetail("Invalid value", detail));
}

/** field.NotSupported: the supported values are listed Go-quoted, in the order given. */
export function notSupported(path: Path, value: unknown, supported: readonly string[]): StatusCause {
  const list = supported.length ? `supported values: ${supported.map((v) => renderValue(String(v))).join(", ")}` : "";
  return cause("FieldValueNotSupported", path, withDetail(`Unsupported value: ${renderValue(value)}`, list));
}

/** field.Duplicate. */
export function duplicate(path: Path, value: unknown, detail = ""): StatusCause {
  return cause("FieldValueDuplicate", path, withDetail(`Duplicate value: ${renderValue(value)}`, detail));
}

/** field.NotFound. */
export function notFound(path: Path, value: unknown, detail = ""): StatusCause {
  return cause("FieldValueNotFound", path, withDetail(`Not found: ${renderValue(value)}`, detail));
}

/** field.TooLong: the value is never shown. */
export function tooLong(path: Path, maxLength: number): StatusCause {
  const detail = maxLength >= 0 ? `may not be more than ${maxLength} bytes` : "value is too long";
  return cause("FieldValueTooLong", path, `Too long: ${detail}`);
}

/** field.TooMany. */
export function tooMany(path: Path, actual: number, max: number): StatusCause {
  return cause("FieldValueTooMany", path, `Too many: ${actual}: must have at most ${max} items`);
}

/** apimachinery's FieldImmutableErrorMsg. */
export const FIELD_IMMUTABLE = "field is immutable";
/** apimachinery's IsNegativeErrorMsg. */
export const IS_NEGATIVE = "must be greater than or equal to 0";

/** ValidateNonnegativeField. */
export function nonNegative(value: unknown, path: Path): Errors {
  return typeof value === "number" && value < 0 ? [invalid(path, value, IS_NEGATIVE)] : [];
}

export { GoLiteral };
