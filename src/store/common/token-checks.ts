import { GatehouseError, inputError } from "../../model/errors.js";
import { checkTenant } from "../../model/names.js";
import { ROLES, type Role, type TokenRecord } from "../token-records.js";
import { checkText } from "./input-checks.js";

export interface NewToken {
  readonly name: string;
  readonly role: Role;
  readonly tenants: readonly string[] | null;
  readonly secretHash: string;
}

/** Checks a token before it is stored; the service checks the name's spelling, the store its presence. */
export function checkNewToken(token: NewToken): NewToken {
  checkText(token.name, "name");
  if (!(ROLES as readonly unknown[]).includes(token.role)) {
    throw inputError(
      `unknown role \`${String(token.role)}\`: expected one of ${ROLES.map((r) => `\`${r}\``).join(", ")}`,
      { field: "role" },
    );
  }
  const { tenants } = token;
  if (tenants !== null) {
    // An empty list would make a token that may act nowhere: almost surely a caller's mistake.
    if (!Array.isArray(tenants) || tenants.length === 0) {
      throw inputError("invalid tenants: expected a list of tenants, or null for every tenant", {
        field: "tenants",
      });
    }
    tenants.forEach((tenant, i) => {
      checkTenant(tenant, { field: `tenants[${i}]` });
      // Refused, not deduplicated: a tenant listed twice is most often a typo for another one
      // (`acme, acme` for `acme, acme-eu`), which silently keeping one would hide.
      const first = tenants.indexOf(tenant);
      if (first !== i)
        throw inputError(
          `tenant \`${tenant}\` is listed twice in tenants (at ${first} and ${i}): list each tenant once`,
          { field: `tenants[${i}]` },
        );
    });
  }
  checkText(token.secretHash, "secretHash");
  return token;
}

export function tokenExists(name: string): GatehouseError {
  return new GatehouseError("conflict", `token \`${name}\` already exists`, { field: "name" });
}

export function secretInUse(): GatehouseError {
  return new GatehouseError("conflict", "another token has the same secret", { field: "secretHash" });
}

/** An unknown name and a revoked one are both `not_found`; the message tells them apart. */
export function noLiveToken(name: string, revoked: boolean): GatehouseError {
  return new GatehouseError(
    "not_found",
    revoked ? `token \`${name}\` is already revoked` : `token \`${name}\` does not exist`,
    { field: "name" },
  );
}

export function toTokenRecord(
  name: string,
  role: string,
  tenants: string | null,
  createdAt: string,
  revokedAt: string | null,
): TokenRecord {
  return {
    name,
    role: role as Role,
    tenants: tenants === null ? null : (JSON.parse(tenants) as string[]),
    createdAt,
    revokedAt,
  };
}

/** The `tokens` columns every backend reads, in `TokenRow` order. */
export const TOKEN_COLUMNS = "name, role, tenants, created_at, revoked_at";

export type TokenRow = [
  name: string,
  role: string,
  tenants: string | null,
  createdAt: string,
  revokedAt: string | null,
];
