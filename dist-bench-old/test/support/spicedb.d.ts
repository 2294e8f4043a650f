import type { ObjectRef, Relationship, SubjectRef } from "../../src/model/relationship.js";
export type CheckResult = boolean | "error";
export interface CheckItem {
    readonly resource: ObjectRef;
    readonly permission: string;
    readonly subject: SubjectRef;
}
export interface DetailedCheckResult {
    readonly result: CheckResult;
    /** SpiceDB's message when `result` is `"error"`. */
    readonly error?: string;
}
export interface LookupSubjectsResult {
    /** Subjects by id, sorted; a wildcard appears as id `*` with the ids excluded from it. */
    readonly subjects: Array<{
        id: string;
        excluded: string[];
    }>;
}
export interface SpiceDBOptions {
    /** Time limit of one request, in ms. Default 20,000. */
    readonly timeoutMs?: number;
    /**
     * Time limit of one CheckBulkPermissions call, in ms. Default 5,000. Past it the chunk is
     * asked again one check at a time, and the harness stops using bulk checks: on cyclic data
     * a bulk check can take minutes where the same checks one by one take milliseconds.
     */
    readonly bulkTimeoutMs?: number;
    /**
     * Run SpiceDB in this process instead of a child: saves the IPC hop (about 0.4 ms of a 1.2 ms
     * check), for timing SpiceDB fairly, but nothing can stop a runaway request. Default false.
     */
    readonly inProcess?: boolean;
    /**
     * Keep every written relationship to start SpiceDB again after a time limit (default true,
     * child process only). With false, a request past its time limit leaves the harness answering
     * `"error"` from then on; a million relationships are then not held twice.
     */
    readonly restartable?: boolean;
}
export interface SpiceDBHarness {
    /** SpiceDB's message for the most recent request that answered `"error"`. */
    readonly lastError: string | undefined;
    check(resource: ObjectRef, permission: string, subject: SubjectRef): Promise<CheckResult>;
    /** CheckBulkPermissions, in chunks; each item answers on its own (one error does not fail the rest). */
    checkMany(items: readonly CheckItem[]): Promise<CheckResult[]>;
    checkManyDetailed(items: readonly CheckItem[]): Promise<DetailedCheckResult[]>;
    /** Ids of the resources of `resourceType` on which `subject` has `permission`, sorted. */
    lookupResources(resourceType: string, permission: string, subject: SubjectRef): Promise<string[] | "error">;
    /** Subjects of `subjectType` (or of the userset `subjectType#subjectRelation`) with `permission`. */
    lookupSubjects(resource: ObjectRef, permission: string, subjectType: string, subjectRelation?: string): Promise<LookupSubjectsResult | "error">;
    /** Adds relationships (TOUCH), in chunks of 1,000. Rejects with SpiceDB's message if refused. */
    write(relationships: readonly Relationship[]): Promise<void>;
    /** Stops SpiceDB (kills the child process). */
    close(): void;
}
/** The embedded SpiceDB refuses write calls with more updates than this. */
export declare const WRITE_CHUNK = 1000;
/** Items per CheckBulkPermissions call (SpiceDB's default maximum is larger; smaller is gentler). */
export declare const BULK_CHUNK = 500;
/**
 * Starts SpiceDB with `schema` and `relationships`. Rejects with SpiceDB's own message when the
 * schema or a relationship is refused (`SpiceDB refused the schema: ...`).
 */
export declare function startSpiceDB(schema: string, relationships: readonly Relationship[], options?: SpiceDBOptions): Promise<SpiceDBHarness>;
