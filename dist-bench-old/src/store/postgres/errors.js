import pg from "pg";
import { GatehouseError } from "../../model/errors.js";
/** SQLSTATE classes and codes the store translates; see PostgreSQL's "Error Codes" appendix. */
const CONNECTION_CLASS = "08";
const DATA_CLASS = "22";
const AUTH_CLASS = "28";
const RETRYABLE = new Set([
    "40001", // serialization_failure
    "40P01", // deadlock_detected
    "55P03", // lock_not_available (lock_timeout)
    "57014", // query_canceled (statement_timeout)
    "53300", // too_many_connections
    "57P01", // admin_shutdown
    "57P02", // crash_shutdown
    "57P03", // cannot_connect_now
]);
const UNIQUE_VIOLATION = "23505";
/** pg's own messages for a connection that went away, which carry no code. */
const LOST = /Connection terminated|timeout expired|connection timeout|Client has encountered a connection error/i;
/**
 * Translates what pg throws into the store's errors, once, at the connection: a server that
 * cannot be reached is `unavailable` (naming host and port, never the password), input
 * PostgreSQL cannot hold (a NUL character, a key too long to index) is `input`, and a transient
 * failure (deadlock, lost connection) is `unavailable`, worth a retry. Anything else is a bug and
 * goes up unchanged.
 */
export function storeError(error, target, connecting) {
    if (error instanceof GatehouseError || !(error instanceof Error))
        return error;
    const code = error.code;
    const sqlState = error instanceof pg.DatabaseError && typeof code === "string" ? code : undefined;
    const unreachable = sqlState === undefined
        ? (typeof code === "string" && /^E[A-Z]+$/.test(code)) || LOST.test(error.message)
        : sqlState.startsWith(CONNECTION_CLASS) || sqlState.startsWith(AUTH_CLASS) || sqlState === "3D000";
    if (unreachable || (connecting && sqlState !== undefined && RETRYABLE.has(sqlState))) {
        const what = connecting ? "cannot connect to" : "lost the connection to";
        return new GatehouseError("unavailable", `${what} PostgreSQL at ${target}: ${error.message}`);
    }
    if (sqlState === undefined)
        return error;
    if (RETRYABLE.has(sqlState)) {
        return new GatehouseError("unavailable", `the store is busy (${error.message}); try again`);
    }
    if (sqlState.startsWith(DATA_CLASS) || sqlState === "54000") {
        return new GatehouseError("input", `PostgreSQL cannot store this input: ${error.message}`);
    }
    if (sqlState === UNIQUE_VIOLATION) {
        // The store checks uniqueness itself under its locks; reaching here means a writer that
        // does not take them (an older Gatehouse, a hand-made change) got in between.
        return new GatehouseError("conflict", `the store changed meanwhile: ${error.message}; try again`);
    }
    return error;
}
//# sourceMappingURL=errors.js.map