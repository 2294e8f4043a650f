import { randomUUID } from "node:crypto";

/** A caller's request id as recorded: printable ASCII without spaces, 1 to 128 characters. */
const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * The id a request is recorded under (revisions, the audit log, the logs): the caller's
 * `x-request-id` when it is a plain id, else a fresh one. The caller's choice is kept for
 * correlation, but not an id of kilobytes or of control bytes; the answer's `x-request-id`
 * says which id was used.
 */
export function requestIdOf(given: string | string[] | undefined): string {
  const one = Array.isArray(given) ? given[0] : given;
  return one !== undefined && REQUEST_ID.test(one) ? one : randomUUID();
}
