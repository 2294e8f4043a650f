import { GatehouseError } from "../../model/errors.js";
import type { DivergenceCount, DivergentCheck, ShadowSession, ShadowTally } from "../shadow-records.js";
/**
 * The shadow tables' row shapes, checks and messages, shared by both backends; only the SQL
 * placeholders and how a backend runs its statements differ.
 */
export declare const SESSION_COLUMNS = "id, change_id, schema_text, started_at, started_by, stopped_at, stopped_by, checks, kept, truncated";
export type SessionRow = [
    id: number,
    changeId: number,
    schema: string,
    startedAt: string,
    startedBy: string,
    stoppedAt: string | null,
    stoppedBy: string | null,
    checks: number,
    kept: number,
    truncated: number | boolean
];
export declare function toShadowSession(row: SessionRow): ShadowSession;
export declare const COUNT_COLUMNS = "tenant, permission, direction, count";
export type CountRow = [tenant: string, permission: string, direction: string, count: number];
export declare function toDivergenceCount([tenant, permission, direction, count]: CountRow): DivergenceCount;
export declare const DIVERGENCE_COLUMNS = "tenant, resource, permission, subject, active, count";
export type DivergenceRow = [
    tenant: string,
    resource: string,
    permission: string,
    subject: string,
    active: number | boolean,
    count: number
];
/** A divergent check's candidate answer is the opposite of its active one, so only one is stored. */
export declare function toDivergentCheck([tenant, resource, permission, subject, active, count,]: DivergenceRow): DivergentCheck;
/** Checks a tally before anything of it is written: the whole tally is added, or none of it. */
export declare function checkTally(sessionId: number, tally: ShadowTally): ShadowTally;
export declare function noRunningShadow(): GatehouseError;
export declare function shadowRunning(session: ShadowSession): GatehouseError;
export declare function unknownShadow(id: number): GatehouseError;
export declare function unknownChange(id: number): GatehouseError;
