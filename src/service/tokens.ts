import { createHash, randomBytes } from "node:crypto";
import { GatehouseError } from "../model/errors.js";
import { checkTenant } from "../model/names.js";
import type { Store } from "../store/store.js";
import { ROLES, type Role, type TokenRecord } from "../store/token-records.js";

/** Token names are principals: they appear as authors and approvers, so keep them plain. */
const TOKEN_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** Secrets carry a recognisable prefix so that a leaked one is easy to spot and scan for. */
const SECRET_PREFIX = "gh_";

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Roles include every role before them: an `approve` token may also propose, write and check. */
export function roleAllows(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

export function parseRole(text: string): Role {
  if (!(ROLES as readonly string[]).includes(text)) {
    throw new GatehouseError(
      "input",
      `unknown role \`${text}\`: expected one of ${ROLES.map((r) => `\`${r}\``).join(", ")}`,
      { field: "role" },
    );
  }
  return text as Role;
}

/** Creates a token; the secret is returned once and only its hash is stored. */
export async function createToken(
  store: Store,
  input: { name: string; role: Role; tenants: readonly string[] | null; actor: string },
): Promise<{ token: TokenRecord; secret: string }> {
  if (!TOKEN_NAME.test(input.name)) {
    throw new GatehouseError(
      "input",
      `invalid token name \`${input.name}\`: expected lowercase letters, digits, \`.\`, \`_\` or \`-\`, at most 63`,
      { field: "name" },
    );
  }
  const tenants = input.tenants?.map((t) => checkTenant(t, { field: "tenants" })) ?? null;
  const secret = `${SECRET_PREFIX}${randomBytes(24).toString("base64url")}`;
  const token = await store.createToken(
    { name: input.name, role: input.role, tenants, secretHash: hashSecret(secret) },
    {
      actor: input.actor,
      action: "token.create",
      tenant: null,
      target: `token:${input.name}`,
      reason: null,
      details: { role: input.role, tenants },
    },
  );
  return { token, secret };
}

/**
 * The token operations every surface calls: the CLI (local, against the store), the HTTP API
 * (admin routes) and the server's authentication, so each audit record is built in one place.
 */
export class Tokens {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  create(input: {
    name: string;
    role: Role;
    tenants: readonly string[] | null;
    actor: string;
  }): Promise<{ token: TokenRecord; secret: string }> {
    return createToken(this.#store, input);
  }

  /**
   * Records a token for a secret the caller already holds (only its hash is stored). For
   * `serve --testing`, where a client test suite presents any secret and that secret's store is
   * created around it; every other token's secret is made by `create`.
   */
  adopt(input: {
    name: string;
    role: Role;
    secret: string;
    actor: string;
    reason: string;
  }): Promise<TokenRecord> {
    return this.#store.createToken(
      { name: input.name, role: input.role, tenants: null, secretHash: hashSecret(input.secret) },
      {
        actor: input.actor,
        action: "token.create",
        tenant: null,
        target: `token:${input.name}`,
        reason: input.reason,
        details: { role: input.role, tenants: null },
      },
    );
  }

  list(): Promise<TokenRecord[]> {
    return this.#store.listTokens();
  }

  /** Revokes a live token; an unknown or already revoked name is `not_found`. */
  revoke(name: string, actor: string): Promise<TokenRecord> {
    return this.#store.revokeToken(name, {
      actor,
      action: "token.revoke",
      tenant: null,
      target: `token:${name}`,
      reason: null,
      details: null,
    });
  }

  /** The live token this secret belongs to, if any. */
  find(secret: string): Promise<TokenRecord | undefined> {
    return this.#store.findToken(hashSecret(secret));
  }

  /** How many tokens were ever revoked (only grows): a cache of tokens is stale when it moves. */
  revocations(): Promise<number> {
    return this.#store.tokenRevocations();
  }
}
