/**
 * Label and field selectors as the apiserver parses and matches them: the grammar and messages of
 * k8s.io/apimachinery/pkg/labels and pkg/fields, the per-kind field labels registered with
 * AddFieldLabelConversionFunc, and the values each registry's ToSelectableFields exposes.
 */
import { badRequest } from "./errors";
import type { KObject } from "./types";

// ---------------------------------------------------------------------------------------------
// Label selectors
// ---------------------------------------------------------------------------------------------

/** selection.Operator spellings: "!" is DoesNotExist, "gt"/"lt" the numeric comparisons. */
export type Operator = "=" | "==" | "!=" | "in" | "notin" | "exists" | "!" | "gt" | "lt";

/** One clause of a selector; `values` are sorted and de-duplicated, as upstream's sets.String. */
export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
}

/** Requirements ANDed together, sorted by key. Empty matches everything. */
export type LabelSelector = readonly Requirement[];

/**
 * labels.Nothing(): what a nil metav1.LabelSelector converts to. Represented by an `in` with no
 * values, which the parser can never produce and which no label set satisfies.
 */
export const MATCH_NOTHING: LabelSelector = Object.freeze([Object.freeze<Requirement>({ key: "", operator: "in", values: Object.freeze([]) })]);

const isNothing = (r: Requirement) => (r.operator === "in" || r.operator === "notin") && r.values.length === 0;

const byteLength = (s: string) => new TextEncoder().encode(s).length;

/** Go's %q for the strings that appear in messages. */
function goQuote(s: string): string {
  return `"${s.replace(/[\\"\n\r\t]/g, (c) => ({ "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t" })[c]!)}"`;
}

/** Go's %#v of a []string, as field.Invalid prints a bad value list. */
function goStrings(values: readonly string[] | undefined): string {
  if (values === undefined) return "[]string(nil)";
  return `[]string{${values.map(goQuote).join(", ")}}`;
}

/** validation.RegexError: "msg (e.g. 'a',  or 'b', regex used for validation is 'fmt')". */
function regexError(msg: string, format: string, ...examples: string[]): string {
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(" or ")}regex used for validation is '${format}')`;
}

const DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const LABEL_KEY_NAME = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_VALUE = `(${LABEL_KEY_NAME})?`;
const LABEL_KEY_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_KEY_RULE = regexError(LABEL_KEY_MSG, LABEL_KEY_NAME, "MyName", "my.name", "123-abc");

function dns1123SubdomainErrors(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push("must be no more than 253 characters");
  if (!new RegExp(`^${DNS1123_SUBDOMAIN}$`).test(value)) {
    const msg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
    errs.push(regexError(msg, DNS1123_SUBDOMAIN, "example.com"));
  }
  return errs;
}

/** content.IsLabelKey: an optional DNS-subdomain prefix and '/', then a name of at most 63 characters. */
export function labelKeyErrors(key: string): string[] {
  const parts = key.split("/");
  if (parts.length > 2) {
    return [`a valid label key ${LABEL_KEY_RULE} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  const errs: string[] = [];
  const name = parts.length === 2 ? parts[1] : parts[0];
  if (parts.length === 2) {
    if (parts[0] === "") errs.push("prefix part must be non-empty");
    else errs.push(...dns1123SubdomainErrors(parts[0]).map((e) => `prefix part ${e}`));
  }
  if (name === "") errs.push("name part must be non-empty");
  else if (byteLength(name) > 63) errs.push("name part must be no more than 63 characters");
  if (!new RegExp(`^${LABEL_KEY_NAME}$`).test(name)) errs.push(`name part ${LABEL_KEY_RULE}`);
  return errs;
}

/** content.IsLabelValue: empty, or at most 63 characters shaped like a label key name. */
export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push("must be no more than 63 characters");
  if (!new RegExp(`^${LABEL_VALUE}$`).test(value)) {
    const msg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    errs.push(regexError(msg, LABEL_VALUE, "MyValue", "my_value", "12345"));
  }
  return errs;
}

/** field.Invalid(path, value, detail).Error() */
const invalidValue = (path: string, value: string, detail: string) => `${path}: Invalid value: ${value}: ${detail}`;

/** utilerrors.NewAggregate(...).Error(): one message bare, several de-duplicated inside brackets. */
function aggregate(messages: string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0] : `[${unique.join(", ")}]`;
}

const INT64 = /^[+-]?\d+$/;
const fitsInt64 = (s: string) => INT64.test(s) && BigInt(s) <= 9223372036854775807n && BigInt(s) >= -9223372036854775808n;

/**
 * labels.NewRequirement's checks, as error messages. The parser has already validated the key (and
 * reports it under the path "<nil>"), so only LabelSelectorAsSelector asks for the key check here.
 */
function requirementErrors(key: string, operator: Operator, values: readonly string[] | undefined, checkKey: boolean): string[] {
  const errs: string[] = [];
  if (checkKey) {
    const keyErrs = labelKeyErrors(key);
    if (keyErrs.length) errs.push(invalidValue("key", goQuote(key), keyErrs.join("; ")));
  }
  const vals = values ?? [];
  switch (operator) {
    case "in":
    case "notin":
      if (vals.length === 0) errs.push(invalidValue("values", goStrings(values), "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case "=":
    case "==":
    case "!=":
      if (vals.length !== 1) errs.push(invalidValue("values", goStrings(values), "exact-match compatibility requires one single value"));
      break;
    case "exists":
    case "!":
      if (vals.length !== 0) errs.push(invalidValue("values", goStrings(values), "values set must be empty for exists and does not exist"));
      break;
    case "gt":
    case "lt":
      if (vals.length !== 1) errs.push(invalidValue("values", goStrings(values), "for 'Gt', 'Lt' operators, exactly one value is required"));
      vals.forEach((v, i) => {
        if (!fitsInt64(v)) errs.push(invalidValue(`values[${i}]`, goQuote(v), "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
  }
  vals.forEach((v, i) => {
    const valueErrs = labelValueErrors(v);
    if (valueErrs.length) errs.push(invalidValue(`values[${i}][${key}]`, goQuote(v), valueErrs.join("; ")));
  });
  return errs;
}

const sortedUnique = (values: Iterable<string>) => [...new Set(values)].sort();
const byKey = (a: Requirement, b: Requirement) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

// The lexer: identifiers run until whitespace or one of the special symbols; "==" and "!=" are the
// only two-character symbols. "in"/"notin" are keywords only where an operator may appear.
type TokenKind = "end" | "ident" | "(" | ")" | "," | "!" | "=" | "==" | "!=" | ">" | "<" | "in" | "notin";
interface Token {
  kind: TokenKind;
  text: string;
}

const SPECIAL = new Set(["=", "!", "(", ")", ",", ">", "<"]);
const WHITESPACE = new Set([" ", "\t", "\r", "\n"]);

function lex(s: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  for (;;) {
    while (i < s.length && WHITESPACE.has(s[i])) i++;
    if (i >= s.length) {
      tokens.push({ kind: "end", text: "" });
      return tokens;
    }
    if (SPECIAL.has(s[i])) {
      const two = s.slice(i, i + 2);
      const text = two === "==" || two === "!=" ? two : s[i];
      tokens.push({ kind: text as TokenKind, text });
      i += text.length;
      continue;
    }
    const start = i;
    while (i < s.length && !SPECIAL.has(s[i]) && !WHITESPACE.has(s[i])) i++;
    const text = s.slice(start, i);
    tokens.push({ kind: text === "in" || text === "notin" ? text : "ident", text });
  }
}

const BINARY_OPERATORS: Partial<Record<TokenKind, Operator>> = { in: "in", notin: "notin", "=": "=", "==": "==", "!=": "!=", ">": "gt", "<": "lt" };

class SelectorSyntaxError extends Error {}

/** labels.Parser: a recursive descent over the tokens, raising upstream's messages. */
class LabelParser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  /** The current token; where a value may appear, the keywords are plain identifiers. */
  private peek(asValue: boolean): Token {
    const t = this.tokens[this.pos];
    return asValue && (t.kind === "in" || t.kind === "notin") ? { kind: "ident", text: t.text } : t;
  }

  private next(asValue: boolean): Token {
    const t = this.peek(asValue);
    this.pos++;
    return t;
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    for (;;) {
      const t = this.peek(true);
      if (t.kind === "end") return requirements;
      if (t.kind !== "ident" && t.kind !== "!") throw new SelectorSyntaxError(`found '${t.text}', expected: !, identifier, or 'end of string'`);
      requirements.push(this.requirement());
      const after = this.next(true);
      if (after.kind === "end") return requirements;
      if (after.kind !== ",") throw new SelectorSyntaxError(`found '${after.text}', expected: ',' or 'end of string'`);
      const following = this.peek(true);
      if (following.kind !== "ident" && following.kind !== "!") {
        throw new SelectorSyntaxError(`found '${following.text}', expected: identifier after ','`);
      }
    }
  }

  private requirement(): Requirement {
    try {
      return this.requirementBody();
    } catch (e) {
      throw new SelectorSyntaxError(`unable to parse requirement: ${(e as Error).message}`);
    }
  }

  private requirementBody(): Requirement {
    let t = this.next(true);
    const negated = t.kind === "!";
    if (negated) t = this.next(true);
    if (t.kind !== "ident") throw new Error(`found '${t.text}', expected: identifier`);
    const key = t.text;
    const keyErrs = labelKeyErrors(key);
    if (keyErrs.length) throw new Error(invalidValue("<nil>", goQuote(key), keyErrs.join("; ")));

    const ahead = this.peek(true).kind;
    if (negated || ahead === "end" || ahead === ",") return this.validated(key, negated ? "!" : "exists", []);

    const op = this.next(false);
    const operator = BINARY_OPERATORS[op.kind];
    if (!operator) throw new Error(`found '${op.text}', expected: in, notin, =, ==, !=, gt, lt`);
    const values = operator === "in" || operator === "notin" ? this.valueSet() : this.exactValue();
    return this.validated(key, operator, sortedUnique(values));
  }

  private validated(key: string, operator: Operator, values: string[]): Requirement {
    const errs = requirementErrors(key, operator, values, false);
    if (errs.length) throw new Error(aggregate(errs));
    return { key, operator, values };
  }

  /** "(a,b)", where empty members (as in "(,a)" or "()") stand for the empty value. */
  private valueSet(): string[] {
    const open = this.next(true);
    if (open.kind !== "(") throw new Error(`found '${open.text}' expected: '('`);
    const first = this.peek(true);
    if (first.kind === ")") {
      this.next(true);
      return [""];
    }
    if (first.kind !== "ident" && first.kind !== ",") throw new Error(`found '${first.text}', expected: ',', ')' or identifier`);
    const values: string[] = [];
    for (;;) {
      const t = this.next(true);
      if (t.kind === "ident") {
        values.push(t.text);
        const sep = this.peek(true);
        if (sep.kind === ")") break;
        if (sep.kind !== ",") throw new Error(`found '${sep.text}', expected: ',' or ')'`);
      } else if (t.kind === ",") {
        if (values.length === 0) values.push("");
        const sep = this.peek(true).kind;
        if (sep === ")") {
          values.push("");
          break;
        }
        if (sep === ",") values.push("");
      } else {
        throw new Error(`found '${t.text}', expected: ',', or identifier`);
      }
    }
    this.next(true);
    return values;
  }

  private exactValue(): string[] {
    const t = this.peek(true);
    if (t.kind === "end" || t.kind === ",") return [""];
    this.next(true);
    if (t.kind !== "ident") throw new Error(`found '${t.text}', expected: identifier`);
    return [t.text];
  }
}

/**
 * labels.Parse: "app=web,tier in (a,b),!canary,env notin (x),replicas>2". Requirements come back
 * sorted by key; a malformed selector is a 400 with upstream's message.
 */
export function parseLabelSelector(s: string): LabelSelector {
  try {
    return new LabelParser(lex(s)).parse().sort(byKey);
  } catch (e) {
    if (e instanceof SelectorSyntaxError) throw badRequest(e.message);
    throw e;
  }
}

export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

const SPEC_OPERATORS: Record<string, Operator> = { In: "in", NotIn: "notin", Exists: "exists", DoesNotExist: "!" };

/**
 * metav1.LabelSelectorAsSelector: nil selects nothing, an empty selector everything. An invalid
 * selector (bad key or value, unknown operator) is a 400.
 */
export function labelSelectorFromSpec(spec: LabelSelectorSpec | undefined | null): LabelSelector {
  if (!spec) return MATCH_NOTHING;
  const requirements: Requirement[] = [];
  const add = (key: string, operator: Operator, values: readonly string[] | undefined) => {
    const errs = requirementErrors(key, operator, values, true);
    if (errs.length) throw badRequest(aggregate(errs));
    requirements.push({ key, operator, values: values ? [...values] : [] });
  };
  for (const [key, value] of Object.entries(spec.matchLabels ?? {})) add(key, "=", [value]);
  for (const expr of spec.matchExpressions ?? []) {
    const operator = Object.hasOwn(SPEC_OPERATORS, expr.operator) ? SPEC_OPERATORS[expr.operator] : undefined;
    if (!operator) throw badRequest(`${goQuote(expr.operator)} is not a valid label selector operator`);
    add(expr.key, operator, expr.values);
  }
  return requirements.sort(byKey);
}

function requirementMatches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case "=":
    case "==":
    case "in":
      return has && r.values.includes(value!);
    case "!=":
    case "notin":
      return !has || !r.values.includes(value!);
    case "exists":
      return has;
    case "!":
      return !has;
    case "gt":
    case "lt": {
      if (!has || !fitsInt64(value!) || r.values.length !== 1 || !fitsInt64(r.values[0])) return false;
      const [actual, bound] = [BigInt(value!), BigInt(r.values[0])];
      return r.operator === "gt" ? actual > bound : actual < bound;
    }
  }
}

/** Selector.Matches: every requirement holds for the object's labels. */
export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const set = labels ?? {};
  return selector.every((r) => !isNothing(r) && requirementMatches(r, set));
}

const OPERATOR_TEXT: Record<Operator, string> = {
  "=": "=", "==": "==", "!=": "!=", in: " in ", notin: " notin ", gt: ">", lt: "<", exists: "", "!": "",
};

/** Requirement.String: "app=web", "tier in (a,b)", "canary", "!canary". */
function requirementString(r: Requirement): string {
  if (r.operator === "exists") return r.key;
  if (r.operator === "!") return `!${r.key}`;
  const values = [...r.values].sort().join(",");
  const set = r.operator === "in" || r.operator === "notin";
  return `${r.key}${OPERATOR_TEXT[r.operator]}${set ? `(${values})` : values}`;
}

/** Selector.String(): "" for everything and for nothing. Scale's status.selector is this. */
export function labelSelectorToString(selector: LabelSelector): string {
  return selector.filter((r) => !isNothing(r)).map(requirementString).join(",");
}

/** LabelSelectorAsSelector(spec).String(), for Scale's status.selector: "" when empty. */
export function labelSelectorString(spec: LabelSelectorSpec | undefined | null): string {
  return labelSelectorToString(labelSelectorFromSpec(spec));
}

/** metav1.FormatLabelSelector: "<none>" when nil or empty, "<error>" when invalid. */
export function formatLabelSelector(spec: LabelSelectorSpec | undefined | null): string {
  let text: string;
  try {
    text = labelSelectorString(spec);
  } catch {
    return "<error>";
  }
  return text === "" ? "<none>" : text;
}

/** labels.FormatLabels: "a=1,b=2" sorted by key, "<none>" when empty. */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
  const text = Object.keys(labels ?? {})
    .sort()
    .map((k) => `${k}=${labels![k]}`)
    .join(",");
  return text === "" ? "<none>" : text;
}

// ---------------------------------------------------------------------------------------------
// Field selectors
// ---------------------------------------------------------------------------------------------

export interface FieldRequirement {
  /** The canonical label (after aliases such as spec.host → spec.nodeName). */
  readonly field: string;
  readonly operator: "=" | "!=";
  readonly value: string;
}

/** A parsed field selector bound to the kind whose selectable fields it reads. */
export interface FieldSelector {
  readonly kind: string;
  readonly group: string;
  readonly requirements: readonly FieldRequirement[];
}

type Fields = (obj: any) => Record<string, string>;

/** One kind's contract: which labels its conversion func accepts, and its selectable fields. */
interface FieldLabels {
  /** client label → canonical label */
  accepted: Record<string, string>;
  reject: (label: string) => string;
  fields: Fields;
}

const str = (v: unknown) => (typeof v === "string" ? v : "");
const bool = (v: unknown) => (v === true ? "true" : "false");
const int = (v: unknown) => String(typeof v === "number" ? Math.trunc(v) : 0);
const same = (...labels: string[]) => Object.fromEntries(labels.map((l) => [l, l]));
const notSupported = (label: string) => `field label not supported: ${label}`;

/** generic.ObjectMetaFieldsSet: metadata.name, plus metadata.namespace for namespaced kinds. */
function objectMetaFields(obj: KObject, namespaced: boolean): Record<string, string> {
  const name = { "metadata.name": str(obj.metadata?.name) };
  return namespaced ? { ...name, "metadata.namespace": str(obj.metadata?.namespace) } : name;
}

/** event.ToSelectableFields, reading either core/v1 or events.k8s.io/v1 field names. */
function eventFields(e: any): Record<string, string> {
  const ref = e.involvedObject ?? e.regarding ?? {};
  const reporting = str(e.reportingComponent ?? e.reportingController);
  const source = str((e.source ?? e.deprecatedSource)?.component);
  return {
    ...objectMetaFields(e, true),
    "involvedObject.kind": str(ref.kind),
    "involvedObject.namespace": str(ref.namespace),
    "involvedObject.name": str(ref.name),
    "involvedObject.uid": str(ref.uid),
    "involvedObject.apiVersion": str(ref.apiVersion),
    "involvedObject.resourceVersion": str(ref.resourceVersion),
    "involvedObject.fieldPath": str(ref.fieldPath),
    reason: str(e.reason),
    reportingComponent: reporting,
    source: source || reporting,
    type: str(e.type),
  };
}

const EVENT_LABELS = [
  "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion",
  "involvedObject.resourceVersion", "involvedObject.fieldPath",
  "reason", "reportingComponent", "source", "type", "metadata.namespace", "metadata.name",
];

/**
 * The kinds that register field label conversions (pkg/apis/core/v1, batch/v1, events/v1). Every
 * other kind — the whole apps group included — accepts only metadata.name and metadata.namespace.
 */
const FIELD_LABELS: Record<string, FieldLabels> = {
  "/Pod": {
    accepted: {
      ...same("metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
        "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName"),
      // old v1 clients send spec.host
      "spec.host": "spec.nodeName",
    },
    reject: notSupported,
    // status.podIPs is accepted but never set, so only an empty value matches it (as upstream).
    fields: (p) => ({
      ...objectMetaFields(p, true),
      "spec.nodeName": str(p.spec?.nodeName),
      "spec.restartPolicy": str(p.spec?.restartPolicy),
      "spec.schedulerName": str(p.spec?.schedulerName),
      "spec.serviceAccountName": str(p.spec?.serviceAccountName),
      "spec.hostNetwork": bool(p.spec?.hostNetwork),
      "status.phase": str(p.status?.phase),
      "status.podIP": str(p.status?.podIPs?.[0]?.ip ?? p.status?.podIP),
      "status.nominatedNodeName": str(p.status?.nominatedNodeName),
    }),
  },
  "/Node": {
    accepted: same("metadata.name", "spec.unschedulable"),
    reject: notSupported,
    fields: (n) => ({ ...objectMetaFields(n, false), "spec.unschedulable": bool(n.spec?.unschedulable) }),
  },
  "/ReplicationController": {
    accepted: same("metadata.name", "metadata.namespace", "status.replicas"),
    reject: notSupported,
    fields: (rc) => ({ ...objectMetaFields(rc, true), "status.replicas": int(rc.status?.replicas) }),
  },
  "/Event": { accepted: same(...EVENT_LABELS), reject: notSupported, fields: eventFields },
  "events.k8s.io/Event": {
    accepted: {
      ...same("reason", "source", "type", "metadata.namespace", "metadata.name"),
      "regarding.kind": "involvedObject.kind",
      "regarding.namespace": "involvedObject.namespace",
      "regarding.name": "involvedObject.name",
      "regarding.uid": "involvedObject.uid",
      "regarding.apiVersion": "involvedObject.apiVersion",
      "regarding.resourceVersion": "involvedObject.resourceVersion",
      "regarding.fieldPath": "involvedObject.fieldPath",
      reportingController: "reportingComponent",
    },
    reject: notSupported,
    fields: eventFields,
  },
  "/Namespace": {
    accepted: same("metadata.name", "status.phase"),
    reject: notSupported,
    fields: (ns) => ({ ...objectMetaFields(ns, false), "status.phase": str(ns.status?.phase) }),
  },
  "/Secret": {
    accepted: same("metadata.name", "metadata.namespace", "type"),
    reject: notSupported,
    fields: (s) => ({ ...objectMetaFields(s, true), type: str(s.type) }),
  },
  "/Service": {
    accepted: same("metadata.name", "metadata.namespace", "spec.clusterIP", "spec.type"),
    reject: notSupported,
    fields: (s) => ({ ...objectMetaFields(s, true), "spec.clusterIP": str(s.spec?.clusterIP), "spec.type": str(s.spec?.type) }),
  },
  "batch/Job": {
    accepted: same("metadata.name", "metadata.namespace", "status.successful"),
    reject: (label) => `field label ${goQuote(label)} not supported for batchv1.Job`,
    fields: (j) => ({ ...objectMetaFields(j, true), "status.successful": int(j.status?.succeeded) }),
  },
};

/** runtime.DefaultMetaV1FieldSelectorConversion, for kinds without their own conversion. */
const METADATA_ONLY: FieldLabels = {
  accepted: same("metadata.name", "metadata.namespace"),
  reject: (label) => `${goQuote(label)} is not a known field selector: only "metadata.name", "metadata.namespace"`,
  // A cluster-scoped object has no namespace, so metadata.namespace reads "" as upstream.
  fields: (o) => objectMetaFields(o, true),
};

function fieldLabelsFor(kind: string, group: string): FieldLabels {
  const key = `${group}/${kind}`;
  return Object.hasOwn(FIELD_LABELS, key) ? FIELD_LABELS[key] : METADATA_ONLY;
}

/** fields.splitTerms: commas split terms unless escaped with a backslash (kept in the term). */
function splitTerms(s: string): string[] {
  if (s === "") return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < s.length; i++) {
    if (escaped) escaped = false;
    else if (s[i] === "\\") escaped = true;
    else if (s[i] === ",") {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

/** fields.splitTerm: the first "!=", "==" or "=" splits the term; the field name has no escapes. */
function splitTerm(term: string): [string, "=" | "!=", string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ["!=", "==", "="] as const) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op === "!=" ? "!=" : "=", term.slice(i + op.length)];
    }
  }
  return undefined;
}

/** fields.UnescapeValue: "\\", "\," and "\=" are literals; a bare "," or "=" is an error. */
function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = "";
  let escaped = false;
  for (const c of s) {
    if (escaped) {
      if (c !== "\\" && c !== "," && c !== "=") throw badRequest(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      escaped = false;
    } else if (c === "\\") escaped = true;
    else if (c === "," || c === "=") throw badRequest(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    else out += c;
  }
  if (escaped) throw badRequest("invalid field selector: invalid escape sequence: \\");
  return out;
}

/**
 * fields.ParseSelector followed by the kind's field label conversion, as the list and watch
 * handlers do: "status.phase=Running,spec.nodeName!=node-1". `group` tells core Events from
 * events.k8s.io Events, whose labels are spelled regarding.* and reportingController.
 */
export function parseFieldSelector(s: string, kind: string, group = ""): FieldSelector {
  const labels = fieldLabelsFor(kind, group);
  const requirements: FieldRequirement[] = [];
  for (const term of splitTerms(s).sort()) {
    if (term === "") continue;
    const split = splitTerm(term);
    if (!split) throw badRequest(`invalid selector: '${s}'; can't understand '${term}'`);
    const [label, operator, raw] = split;
    const value = unescapeValue(raw);
    if (!Object.hasOwn(labels.accepted, label)) throw badRequest(labels.reject(label));
    const field = labels.accepted[label];
    requirements.push({ field, operator, value });
  }
  return { kind, group, requirements };
}

/**
 * Selector.Matches against the kind's selectable fields. A field the object lacks reads as "", so
 * `involvedObject.namespace=` matches events about cluster-scoped objects; booleans read
 * "true"/"false" and counts as decimal numbers.
 */
export function matchesFields(selector: FieldSelector, obj: KObject): boolean {
  if (selector.requirements.length === 0) return true;
  const fields = fieldLabelsFor(selector.kind, selector.group).fields(obj);
  return selector.requirements.every((r) => ((Object.hasOwn(fields, r.field) ? fields[r.field] : "") === r.value) === (r.operator === "="));
}
