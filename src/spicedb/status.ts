import { Metadata, status } from "@grpc/grpc-js";
import { GatehouseError } from "../model/errors.js";
import { redactSecrets } from "../model/secrets.js";
import { type ErrorInfo, encodeStatusDetails } from "./error-info.js";

export type StatusName = keyof typeof status;

/** A failure of the SpiceDB door that is not the service's: a bad field, an unsupported feature. */
export class SpicedbError extends Error {
  constructor(
    readonly code: StatusName,
    message: string,
    /** Sent as JSON in the `gatehouse-facts` trailer (a refused plan's change and summary). */
    readonly facts?: Readonly<Record<string, unknown>>,
    /** SpiceDB's ErrorInfo for it, sent in `grpc-status-details-bin`. */
    readonly info?: ErrorInfo,
  ) {
    super(message);
  }
}

/** A gRPC status as grpc-js sends it. */
export interface CallStatus {
  readonly code: number;
  readonly details: string;
  readonly metadata: Metadata;
  /** SpiceDB's ErrorInfo, also in `metadata` (`grpc-status-details-bin`); the gateway sends it as JSON. */
  readonly info?: ErrorInfo;
}

/**
 * Input errors that name something the schema lacks (`unknown_name`): SpiceDB answers those
 * with FAILED_PRECONDITION (the request is well formed; the schema is not what it expects) and
 * clients branch on it, so they are told apart from malformed input (INVALID_ARGUMENT) by the
 * reason the service sets where it raises them, never by their wording.
 */
function codeOf(error: GatehouseError): StatusName {
  switch (error.kind) {
    case "usage":
      return "INVALID_ARGUMENT";
    case "input":
      return error.hasReason("unknown_name") ? "FAILED_PRECONDITION" : "INVALID_ARGUMENT";
    case "not_found":
      return "FAILED_PRECONDITION";
    case "conflict":
      // A CREATE of a live relationship: SpiceDB's ALREADY_EXISTS, which clients retry as TOUCH.
      return error.hasReason("already_exists") ? "ALREADY_EXISTS" : "FAILED_PRECONDITION";
    case "refused":
      return "FAILED_PRECONDITION";
    case "unavailable":
      return "UNAVAILABLE";
    case "limit":
      return "RESOURCE_EXHAUSTED";
    default:
      return "INTERNAL";
  }
}

/** The one place where an error thrown by a handler becomes a gRPC status. */
export function toStatus(error: unknown, log: (error: unknown) => void): CallStatus {
  const metadata = new Metadata();
  if (error instanceof SpicedbError) {
    if (error.facts) metadata.set("gatehouse-facts", JSON.stringify(error.facts));
    const details = redactSecrets(error.message);
    if (error.info)
      metadata.set("grpc-status-details-bin", encodeStatusDetails(status[error.code], details, error.info));
    return { code: status[error.code], details, metadata, ...(error.info ? { info: error.info } : {}) };
  }
  if (error instanceof GatehouseError) {
    if (error.facts) metadata.set("gatehouse-facts", JSON.stringify(error.facts));
    const field = error.place?.field !== undefined ? ` (${error.place.field})` : "";
    const more = error.details.length > 1 ? `: ${error.details.map((d) => d.message).join("; ")}` : "";
    return {
      code: status[codeOf(error)],
      details: redactSecrets(`${error.message}${field}${more}`),
      metadata,
    };
  }
  log(error);
  return { code: status.INTERNAL, details: "internal error; the server log has the detail", metadata };
}
