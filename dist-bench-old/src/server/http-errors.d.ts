import type { FastifyReply, FastifyRequest } from "fastify";
/** One error body for every failure: `{ error: { kind, message, place?, details? } }`. */
export interface ErrorBody {
    readonly error: {
        readonly kind: string;
        readonly message: string;
        readonly place?: unknown;
        readonly details?: unknown;
    };
}
/** HTTP-only failures that are not the service's: authentication and authorisation. */
export declare class HttpError extends Error {
    readonly status: number;
    readonly kind: string;
    constructor(status: number, kind: string, message: string);
}
/**
 * The single edge where every error becomes a response: known errors keep their message and
 * place; anything else is logged with its detail and shown as a plain 500.
 */
export declare function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply;
