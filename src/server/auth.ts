import type { FastifyInstance, FastifyRequest } from "fastify";
import { clientAddressOf, type Hop } from "../cluster/hop.js";
import { GatehouseError } from "../model/errors.js";
import type { Audit } from "../service/audit.js";
import type { Role, TokenRecord } from "../service/records.js";
import { roleAllows, type Tokens } from "../service/tokens.js";
import { HttpError } from "./http-errors.js";
import type { Refusals } from "./refusals.js";

/**
 * What a route requires: a role, and the tenant it acts on (from the path or body), or `store`
 * for store-wide acts (schema, guards, tokens), which need a token not limited to tenants.
 */
export interface RouteAccess {
  readonly role: Role;
  readonly tenant: ((request: FastifyRequest) => string | undefined | Promise<string | undefined>) | "store";
  /**
   * When the tenant is not one the caller named but a record's (a change's): what the caller
   * named (`change 12`). A token whose role fits but whose tenants do not is answered as if the
   * record did not exist (404, `change 12 does not exist`, the answer for a missing one), so a
   * limited token learns neither the tenant nor that the record is there; the audit record, for
   * admins, still names both.
   */
  readonly named?: (request: FastifyRequest) => string;
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** Absent: a public route (health, metrics, the API description). */
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal?: TokenRecord;
    /** A request forwarded by another node of the cluster, its hop verified (src/cluster/hop.ts). */
    forwardedBy?: Hop;
  }
}

/** A cached token is looked up again after this long, whatever happens. */
const CACHE_MS = 5_000;
const MAX_CACHED = 10_000;
/**
 * How long the cache trusts that no token was revoked: after this, the next request reads the
 * store's revocation count first (one small query, shared by the requests waiting on it) and the
 * cache is emptied when it moved. So a token revoked through any process or node stops working
 * here within this long plus one store read, and an idle server reads nothing.
 */
export const REVOCATION_CHECK_MS = 250;

/** What a change route's caller named: the change (its tenant is the change's, see `RouteAccess.named`). */
export const changeNamed = (request: FastifyRequest) => {
  const id = (request.params as { id?: string }).id ?? "?";
  // As the route reads it (`007` is change 7), so that the answer is the missing change's.
  return `change ${Number.isSafeInteger(Number(id)) ? Number(id) : id}`;
};

/** The tenant named in the route's path, the usual case. */
export const pathTenant = (request: FastifyRequest) => (request.params as { tenant?: string }).tenant;

/**
 * Who a bearer secret is, and what its token may do: the token cache and revocation rules every
 * surface shares (the HTTP hook below, the SpiceDB gRPC door), with no transport in it.
 */
export interface TokenAuthority {
  /** The token of a secret when the cache may answer without a store read; else undefined. */
  cached(secret: string): TokenRecord | undefined;
  /** The token of a secret (cached, or read from the store); undefined when unknown or revoked. */
  find(secret: string): Promise<TokenRecord | undefined>;
  /** The token's verdict on an act: a refusal's message, or undefined when allowed. */
  refusal(
    token: TokenRecord,
    access: RouteAccess,
    tenant: string | undefined,
  ): { message: string } | undefined;
  /** Empties the cache (a token was revoked here). */
  forget(): void;
}

export function tokenAuthority(tokens: Tokens): TokenAuthority {
  // Keyed by the presented secret, so a cached token costs one Map lookup and no hash; both
  // known and unknown secrets are cached (a burst of bad ones must not each reach the store),
  // and the cache is emptied when it grows past MAX_CACHED.
  const cache = new Map<string, { token: TokenRecord | undefined; until: number }>();
  // Bumped whenever the cache is emptied: a lookup that began before must not refill it with
  // what it read then (the token may have been revoked in between).
  let epoch = 0;
  const forget = () => {
    cache.clear();
    epoch++;
  };

  // The store's revocation count as last read, and when that read began.
  let revocations: number | undefined;
  let checkedAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<void> | undefined;
  const revocationsFresh = (now: number) => now - checkedAt < REVOCATION_CHECK_MS;
  const readRevocations = (): Promise<void> => {
    reading ??= (async () => {
      const started = Date.now();
      const count = await tokens.revocations();
      if (count !== revocations) forget();
      revocations = count;
      checkedAt = started;
    })().finally(() => {
      reading = undefined;
    });
    return reading;
  };

  const refusal = (
    token: TokenRecord,
    access: RouteAccess,
    tenant: string | undefined,
  ): { message: string } | undefined => {
    if (!roleAllows(token.role, access.role))
      return { message: `token \`${token.name}\` has role \`${token.role}\`; this needs \`${access.role}\`` };
    if (access.tenant === "store") {
      if (token.tenants !== null)
        return {
          message: `token \`${token.name}\` is limited to tenants; store-wide acts need an unlimited token`,
        };
    } else if (tenant !== undefined && token.tenants !== null && !token.tenants.includes(tenant)) {
      return { message: `token \`${token.name}\` may not act on tenant \`${tenant}\`` };
    }
    return undefined;
  };

  const cached = (secret: string): TokenRecord | undefined => {
    const hit = cache.get(secret);
    const now = Date.now();
    return hit?.token && hit.until >= now && revocationsFresh(now) ? hit.token : undefined;
  };

  const find = async (secret: string): Promise<TokenRecord | undefined> => {
    if (!revocationsFresh(Date.now())) await readRevocations();
    const now = Date.now();
    let hit = cache.get(secret);
    if (!hit || hit.until < now) {
      if (cache.size >= MAX_CACHED) cache.clear();
      const began = epoch;
      hit = { token: await tokens.find(secret), until: now + CACHE_MS };
      if (began === epoch) cache.set(secret, hit);
    }
    return hit.token;
  };

  return { cached, find, refusal, forget };
}

/**
 * Checks the bearer token of every non-public route: missing or unknown gives 401 (counted and
 * logged, see refusals.ts), a role or tenant the token does not have gives 403 (audited).
 */
export function installAuth(app: FastifyInstance, tokens: Tokens, refusals: Refusals): { forget(): void } {
  const { cached: cachedToken, find, refusal, forget } = tokenAuthority(tokens);

  const slowPath = async (request: FastifyRequest, access: RouteAccess, secret: string | undefined) => {
    if (!secret) {
      refusals.unauthenticated("missing", request);
      throw new HttpError(
        401,
        "unauthenticated",
        "missing bearer token: send `Authorization: Bearer <secret>`",
      );
    }
    const token = await find(secret);
    if (!token) {
      refusals.unauthenticated("invalid", request);
      throw new HttpError(401, "unauthenticated", "unknown or revoked token");
    }
    const tenant = access.tenant === "store" ? undefined : await access.tenant(request);
    const refused = refusal(token, access, tenant);
    if (refused) {
      await refusals.forbidden(token, request, refused.message);
      if (access.named !== undefined && tenant !== undefined && roleAllows(token.role, access.role))
        throw new GatehouseError("not_found", `${access.named(request)} does not exist`);
      throw new HttpError(403, "forbidden", refused.message);
    }
    request.principal = token;
  };

  // onRequest: before the body is read or validated, so an unauthenticated caller learns nothing
  // else. A callback hook, so that the usual case (a cached token that may do this, and no
  // revocation to look for yet) settles at once, without a promise per request.
  app.addHook("onRequest", (request, _reply, done) => {
    const access = request.routeOptions.config.access;
    if (!access) return done();
    const header = request.headers.authorization;
    const secret = header?.startsWith("Bearer ") ? header.slice(7).trim() : undefined;
    const token = secret ? cachedToken(secret) : undefined;
    if (token && access.tenant !== "store") {
      const tenant = access.tenant(request);
      if (typeof tenant !== "object" && refusal(token, access, tenant) === undefined) {
        request.principal = token;
        return done();
      }
    }
    slowPath(request, access, secret).then(() => done(), done);
  });

  return { forget };
}

/**
 * Store-wide acts that only the request's body or its change reveal (a change with `schema:`
 * reaches every tenant) need a token not limited to tenants, as `tenant: "store"` routes do.
 * A limited token is refused with 403, audited as the hook above audits its refusals.
 */
export async function requireStoreWide(request: FastifyRequest, audit: Audit, what: string): Promise<void> {
  // INVARIANT: as for principalOf, the hook above has set the principal.
  const token = request.principal!;
  if (token.tenants === null) return;
  const message = `token \`${token.name}\` is limited to tenants; ${what} reaches every tenant and needs an unlimited token`;
  await audit.forbidden(token.name, `${request.method} ${request.routeOptions.url ?? request.url}`, message, {
    requestId: request.id,
    ip: clientAddressOf(request),
  });
  throw new HttpError(403, "forbidden", message);
}

export function principalOf(request: FastifyRequest): string {
  // INVARIANT: routes with `access` only run after the hook above set the principal.
  return request.principal!.name;
}
