import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Store } from "../store/store.js";
import type { Role, TokenRecord } from "../store/token-records.js";
/**
 * What a route requires: a role, and the tenant it acts on (from the path or body), or `store`
 * for store-wide acts (schema, guards, tokens), which need a token not limited to tenants.
 */
export interface RouteAccess {
    readonly role: Role;
    readonly tenant: ((request: FastifyRequest) => string | undefined | Promise<string | undefined>) | "store";
}
declare module "fastify" {
    interface FastifyContextConfig {
        /** Absent: a public route (health, metrics, the API description). */
        access?: RouteAccess;
    }
    interface FastifyRequest {
        principal?: TokenRecord;
    }
}
/** The tenant named in the route's path, the usual case. */
export declare const pathTenant: (request: FastifyRequest) => string | undefined;
/**
 * Checks the bearer token of every non-public route: missing or unknown gives 401, a role or
 * tenant the token does not have gives 403, and both are written to the audit log.
 */
export declare function installAuth(app: FastifyInstance, store: Store): {
    forget(): void;
};
export declare function principalOf(request: FastifyRequest): string;
