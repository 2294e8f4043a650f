import type { FastifyInstance } from "fastify";
import type { Gatehouse } from "../../service/gatehouse.js";
/**
 * Subject and tenant lifecycle: soft delete, restore, merge and purge proposals (each answers
 * with the proposed change, which the change routes plan, approve and apply), and the retention
 * window. A purge's export bundle goes to the server's export directory: a client never names a
 * path on the server's disk.
 */
export declare function registerLifecycle(app: FastifyInstance, gatehouse: Gatehouse, exportDir: string): void;
