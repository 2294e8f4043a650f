import type { Sql } from "../sql/sql.js";

/**
 * Removes the relationship rows whose expiration (`expires_at`, an `expirationKey`) is at or
 * before `cutoff`, live or deleted, in every tenant; returns how many. The partial index on
 * `expires_at` makes this a range scan of the expiring rows only, however many plain ones there are.
 */
export async function collectExpired(sql: Sql, cutoff: string): Promise<number> {
  return sql.run("DELETE FROM relationships WHERE expires_at IS NOT NULL AND expires_at <= $1", [cutoff]);
}
