/**
 * Errors are data with a place. Every failure a user can cause is a `GatehouseError` with a
 * `kind` that the surfaces translate once: the CLI into an exit code, the HTTP API into a status.
 * Anything else that escapes is an internal error, shown without its detail.
 */

export type ErrorKind =
  /** The command line or request was malformed (unknown flag, missing argument). */
  | "usage"
  /** The input was read but is wrong: a bad tuple, schema, file or field. Nothing was written. */
  | "input"
  /** A named thing (tenant, change, revision) does not exist. */
  | "not_found"
  /** The request is well formed but conflicts with the current state (stale plan, duplicate). */
  | "conflict"
  /** A guard or approval rule refuses the operation. */
  | "refused"
  /** The answer cannot be given yet (a revision not reached); retrying may succeed. */
  | "unavailable"
  /** Evaluation hit a limit (depth), which is a property of the data, not a bug. */
  | "limit"
  | "internal";

/**
 * Why an error happened, as data, where a surface must tell errors of one kind apart without
 * reading their messages (the SpiceDB door's status codes): `unknown_name`, the input names a
 * type, relation, permission or caveat the schema lacks (SpiceDB's FAILED_PRECONDITION);
 * `already_exists`, a create names a live relationship (SpiceDB's ALREADY_EXISTS).
 */
export type ErrorReason = "unknown_name" | "already_exists";

/** Where in the user's input a problem is: a file position, a field, or both. */
export interface Place {
  file?: string;
  /** 1-based */
  line?: number;
  /** 1-based */
  column?: number;
  /** A field or path inside a structured input, e.g. `write[2]`. */
  field?: string;
  /** The source line the position points into, for a caret display. */
  snippet?: string;
}

export class GatehouseError extends Error {
  readonly kind: ErrorKind;
  readonly place: Place | undefined;
  /** When one input had several problems, each of them (the message summarises). */
  readonly details: readonly GatehouseError[];
  /**
   * What a caller needs to act on a refusal, as data: for a schema write held back by its plan,
   * the change it proposed (`change`) and the plan's counts and summary. Surfaces send it as is.
   */
  readonly facts: Readonly<Record<string, unknown>> | undefined;
  /** Why, for surfaces that tell errors of one kind apart (see `ErrorReason`). */
  readonly reason: ErrorReason | undefined;

  constructor(
    kind: ErrorKind,
    message: string,
    place?: Place,
    details: readonly GatehouseError[] = [],
    facts?: Readonly<Record<string, unknown>>,
    reason?: ErrorReason,
  ) {
    super(message);
    this.name = "GatehouseError";
    this.kind = kind;
    this.place = place;
    this.details = details;
    this.facts = facts;
    this.reason = reason;
  }

  /** This error or one of its details has `reason`. */
  hasReason(reason: ErrorReason): boolean {
    return this.reason === reason || this.details.some((d) => d.hasReason(reason));
  }

  /** `file:line:column: message` followed by the source line and a caret, as compilers print. */
  describe(): string {
    const parts = [this.place ? formatPlace(this.place) : "", this.message].filter((p) => p !== "");
    let text = parts.join(": ");
    const snippet = this.place?.snippet;
    if (snippet !== undefined && this.place?.column !== undefined) {
      text += `\n  ${snippet}\n  ${" ".repeat(Math.max(0, this.place.column - 1))}^`;
    }
    return text;
  }
}

export function formatPlace(place: Place): string {
  let out = place.file ?? "";
  if (place.line !== undefined) {
    out += `${out ? ":" : "line "}${place.line}`;
    if (place.column !== undefined) out += `:${place.column}`;
  }
  if (place.field !== undefined) out += `${out ? " " : ""}(${place.field})`;
  return out;
}

export function inputError(message: string, place?: Place, reason?: ErrorReason): GatehouseError {
  return new GatehouseError("input", message, place, [], undefined, reason);
}

/** An input error naming a type, relation, permission or caveat the schema lacks. */
export function unknownNameError(message: string, place?: Place): GatehouseError {
  return inputError(message, place, "unknown_name");
}

/** Gathers every problem of one input so that all are reported together, then throws once. */
export class Diagnostics {
  readonly errors: GatehouseError[] = [];

  add(message: string, place?: Place, reason?: ErrorReason): void {
    this.errors.push(inputError(message, place, reason));
  }

  get ok(): boolean {
    return this.errors.length === 0;
  }

  /** Throws the problems in the order they stand in the input (errors without a line last). */
  throwIfAny(summary: string): void {
    if (this.errors.length === 0) return;
    const line = (e: GatehouseError) => e.place?.line ?? Number.MAX_SAFE_INTEGER;
    this.errors.sort((a, b) => line(a) - line(b) || (a.place?.column ?? 0) - (b.place?.column ?? 0));
    if (this.errors.length === 1) throw this.errors[0]!;
    const first = this.errors[0]!;
    throw new GatehouseError("input", `${summary}: ${this.errors.length} errors`, first.place, this.errors);
  }
}
