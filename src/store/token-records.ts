import type { NewAuditRecord } from "./change-records.js";

/**
 * API tokens. Only a hash of the secret is stored; the secret is shown once, when created.
 * Roles, from least to most: `check` (read-only queries), `write` (relationships), `propose`,
 * `approve`, `admin` (schema, guards, tokens). A token may be limited to some tenants.
 */
export type Role = "check" | "write" | "propose" | "approve" | "admin";

export const ROLES: readonly Role[] = ["check", "write", "propose", "approve", "admin"];

export interface TokenRecord {
  /** Unique; the principal recorded as author or approver of what the token does. */
  readonly name: string;
  readonly role: Role;
  /** `null`: every tenant. */
  readonly tenants: readonly string[] | null;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

export interface TokenStore {
  /** Stores a token (its secret's hash); a live token of the same name is a `conflict`. */
  createToken(
    token: { name: string; role: Role; tenants: readonly string[] | null; secretHash: string },
    audit: NewAuditRecord,
  ): Promise<TokenRecord>;
  listTokens(): Promise<TokenRecord[]>;
  /** Revokes a live token; an unknown or already revoked name is `not_found`. */
  revokeToken(name: string, audit: NewAuditRecord): Promise<TokenRecord>;
  /** The live token whose secret hashes to this, if any. */
  findToken(secretHash: string): Promise<TokenRecord | undefined>;
  /**
   * How many tokens have ever been revoked: it only grows (a revoked token stays revoked), so
   * a server that caches tokens reads it often and forgets its cache when it moves. That is how
   * a revocation made by one process reaches every other one within a fraction of a second.
   */
  tokenRevocations(): Promise<number>;
}
