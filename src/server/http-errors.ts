import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { type ErrorKind, GatehouseError } from "../model/errors.js";
import { redactSecrets } from "../model/secrets.js";
import { validationMessage } from "./validation-messages.js";

/** One error body for every failure: `{ error: { kind, message, place?, details? } }`. */
export interface ErrorBody {
  readonly error: {
    readonly kind: string;
    readonly message: string;
    readonly place?: unknown;
    readonly details?: unknown;
    /** What the caller needs to act on a refusal (see `GatehouseError.facts`). */
    readonly facts?: unknown;
  };
}

const STATUS: Record<ErrorKind, number> = {
  usage: 400,
  input: 400,
  not_found: 404,
  conflict: 409,
  refused: 409,
  unavailable: 503,
  limit: 422,
  internal: 500,
};

/** A quoted value or snippet longer than this is cut in an answer (see `clipped`). */
const QUOTED_KEPT = 200;

/**
 * A message with every quoted value (`` `...` ``) longer than QUOTED_KEPT cut to its start and
 * its length. Errors quote what they refuse, and an answer that quoted a line of megabytes whole
 * (thrice: the id, the subject, the snippet) was three times the request: a cheap way to make
 * the server write, and the client read, far more than was sent.
 */
function clipped(text: string): string {
  if (text.length <= 4 * QUOTED_KEPT) return text;
  return text.replace(
    new RegExp(`\`([^\`]{${QUOTED_KEPT + 1},})\``, "g"),
    (_, inner: string) =>
      `\`${inner.slice(0, QUOTED_KEPT)}…\` (${inner.length.toLocaleString("en")} characters)`,
  );
}

/** A place with its snippet cut as quoted values are. */
function clippedPlace(place: GatehouseError["place"]): GatehouseError["place"] {
  const snippet = place?.snippet;
  if (snippet === undefined || snippet.length <= QUOTED_KEPT) return place;
  return {
    ...place,
    snippet: `${snippet.slice(0, QUOTED_KEPT)}… (${snippet.length.toLocaleString("en")} characters)`,
  };
}

/** HTTP-only failures that are not the service's: authentication and authorisation. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The single edge where every error becomes a response: known errors keep their message and
 * place; anything else is logged with its detail and shown as a plain 500.
 */
export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof GatehouseError) {
    const one = (e: GatehouseError) => ({
      kind: e.kind,
      // A store error may quote what it was given; no password or token leaves in a reply.
      message: clipped(redactSecrets(e.message)),
      ...(e.place ? { place: clippedPlace(e.place) } : {}),
    });
    const body: ErrorBody = {
      error: {
        ...one(error),
        ...(error.details.length ? { details: error.details.map(one) } : {}),
        ...(error.facts ? { facts: error.facts } : {}),
      },
    };
    if (error.kind === "unavailable") reply.header("retry-after", "1");
    return reply.status(STATUS[error.kind]).send(body);
  }
  if (error instanceof HttpError)
    return reply
      .status(error.status)
      .send({ error: { kind: error.kind, message: redactSecrets(error.message) } });
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    // Request validation: the field that is wrong, and what was expected there.
    const { field, message } = validationMessage(
      fastifyError.validation,
      fastifyError.validationContext,
      request,
    );
    return reply.status(400).send({ error: { kind: "input", message, place: { field } } });
  }
  if (
    fastifyError.code === "FST_ERR_CTP_INVALID_JSON_BODY" ||
    fastifyError.code === "FST_ERR_CTP_EMPTY_JSON_BODY"
  ) {
    // The body as a whole: not JSON, empty, or naming `__proto__` / `constructor.prototype`,
    // which the JSON parser refuses rather than let a body reach an object's prototype.
    return reply.status(400).send({
      error: {
        kind: "input",
        message:
          fastifyError.code === "FST_ERR_CTP_EMPTY_JSON_BODY"
            ? "`body` is empty but content-type is application/json: expected a JSON object"
            : "`body` is not valid JSON (a key `__proto__` or `constructor.prototype` is refused too): expected a JSON object",
        place: { field: "body" },
      },
    });
  }
  if (fastifyError.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
    // Name the limit, so that the caller knows how to split the request.
    const limit = request.routeOptions.bodyLimit;
    return reply.status(413).send({
      error: {
        kind: "too_large",
        message: `the request body is larger than ${limit.toLocaleString("en")} bytes, the most this route takes`,
      },
    });
  }
  if (fastifyError.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
    const type = String(request.headers["content-type"] ?? "").slice(0, 100);
    return reply.status(415).send({
      error: {
        kind: "input",
        message: `content-type \`${type}\` is not taken here: expected application/json (a streamed import: text/plain)`,
        place: { field: "content-type" },
      },
    });
  }
  if (fastifyError.statusCode && fastifyError.statusCode < 500) {
    return reply.status(fastifyError.statusCode).send({
      error: { kind: "input", message: fastifyError.message },
    });
  }
  request.log.error({ err: error }, "internal error");
  return reply.status(500).send({
    error: {
      kind: "internal",
      message: "internal error; the server log has the detail (request id in x-request-id)",
    },
  });
}

/**
 * What the router refuses before any route runs (Fastify's `frameworkErrors`): a path with a
 * `%` not followed by two hex digits, or a path segment longer than a tenant name could be. The
 * API's one error shape, naming the place; the URL is quoted short (it may be long).
 */
export function sendUrlError(error: FastifyError, reply: FastifyReply): FastifyReply {
  const tooLong = error.code === "FST_ERR_MAX_PARAM_LENGTH";
  return reply.status(tooLong ? 414 : 400).send({
    error: {
      kind: "input",
      message: tooLong
        ? "a part of the URL's path is too long: expected at most 100 characters between slashes (a tenant name has at most 64)"
        : error.code === "FST_ERR_BAD_URL"
          ? "the URL's path is not valid: expected every `%` to be followed by two hex digits (percent-encoding)"
          : error.message,
      place: { field: "url" },
    },
  });
}
