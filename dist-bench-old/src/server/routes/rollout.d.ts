import type { FastifyInstance } from "fastify";
import type { Gatehouse } from "../../service/gatehouse.js";
/** Which schema answered, as every query response says: `{version}` or `{candidate: changeId}`. */
export declare const SchemaAnswerType: import("@sinclair/typebox").TUnion<[import("@sinclair/typebox").TObject<{
    version: import("@sinclair/typebox").TInteger;
}>, import("@sinclair/typebox").TObject<{
    candidate: import("@sinclair/typebox").TInteger;
}>]>;
/**
 * Staged rollouts. A rollout changes which schema answers tenants across the store, so start
 * and promote (which may apply the change) need `admin` on the whole store; a rollback only
 * returns tenants to the active schema, which an `approve` token may do in an emergency.
 */
export declare function registerRollout(app: FastifyInstance, gatehouse: Gatehouse): void;
