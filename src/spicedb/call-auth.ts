import type { Metadata } from "@grpc/grpc-js";
import { checkTenant, DEFAULT_TENANT } from "../model/names.js";
import { requestIdOf } from "../model/request-id.js";
import { type TokenAuthority, tokenAuthority } from "../server/auth.js";
import type { Refusals, RefusedRequest } from "../server/refusals.js";
import type { Gatehouse } from "../service/gatehouse.js";
import type { Role, TokenRecord } from "../service/records.js";
import { SpicedbError } from "./status.js";

/** The metadata header in which a store-wide token names the tenant a call acts on. */
export const TENANT_HEADER = "gatehouse-tenant";

/** The Gatehouse a call acts on, and the token rules of its store. */
export interface CallStore {
  readonly gatehouse: Gatehouse;
  readonly authority: TokenAuthority;
}

/**
 * Which store a bearer secret's calls reach: the server's one store (`storeOf`), or for
 * `serve --testing` a store of the secret's own (see testing-stores.ts). Synchronous when it can
 * be, so that the usual call waits for no promise here.
 */
export type StoreOfSecret = (secret: string) => CallStore | Promise<CallStore>;

/** Every secret reaches the same store: `gatehouse serve`. */
export function storeOf(gatehouse: Gatehouse): StoreOfSecret {
  const one: CallStore = { gatehouse, authority: tokenAuthority(gatehouse.tokens) };
  return () => one;
}

/** Who makes a call and where it acts. */
export interface Caller {
  readonly token: TokenRecord;
  /** The Gatehouse the call reads and writes. */
  readonly gatehouse: Gatehouse;
  /** The tenant the call acts on (store-wide calls such as WriteSchema have one too, unused). */
  readonly tenant: string;
  /** Recorded with the writes the call makes, as an HTTP request id is. */
  readonly requestId: string;
}

/** A call whose token is known: its store, and what a refusal records. */
export interface Authenticated {
  readonly token: TokenRecord;
  readonly store: CallStore;
  readonly requestId: string;
  readonly request: RefusedRequest;
}

/** What a gRPC call shows of itself to the door's checks. */
export interface CallSite {
  readonly metadata: Metadata;
  readonly peer: string;
  /** `/authzed.api.v1.PermissionsService/CheckPermission` */
  readonly path: string;
}

/** What an RPC needs: a role, and whether it reaches every tenant (the schema). */
export interface CallAccess {
  readonly role: Role;
  readonly storeWide?: boolean;
}

function header(metadata: Metadata, name: string): string | undefined {
  const value = metadata.get(name)[0];
  return typeof value === "string" ? value : undefined;
}

/**
 * The tenant a call acts on: the one named in `gatehouse-tenant`, else the token's only one, else
 * `default`. A named one that is not a tenant name is refused here (INVALID_ARGUMENT, naming the
 * header, as the HTTP door names its `tenant`), before the call is authorized, routed to another
 * node or reads anything: its text reaches no audit record, index, file name or query.
 */
export function tenantOf(site: CallSite, token: TokenRecord): string {
  const named = header(site.metadata, TENANT_HEADER);
  if (named !== undefined) return checkTenant(named, { field: TENANT_HEADER });
  const only = token.tenants?.length === 1 ? token.tenants[0] : undefined;
  return only ?? DEFAULT_TENANT;
}

/**
 * The bearer token of every call, checked as the HTTP API checks it (the same `TokenAuthority`):
 * missing or unknown gives UNAUTHENTICATED, a role or tenant the token lacks PERMISSION_DENIED
 * (audited, as a 403 is). A tenant-limited token acts in its tenant: the one named in
 * `gatehouse-tenant`, or its only tenant when it has one; a store-wide token in the named tenant,
 * else `default`.
 */
export class CallAuth {
  constructor(
    private readonly stores: StoreOfSecret,
    private readonly refusals: Refusals | undefined,
  ) {}

  /**
   * The token of a call and the store it reaches, or UNAUTHENTICATED (missing or unknown token).
   * The HTTP gateway calls this before it reads a request's body.
   */
  async authenticate(site: CallSite): Promise<Authenticated> {
    const requestId = requestIdOf(header(site.metadata, "x-request-id"));
    const request: RefusedRequest = {
      id: requestId,
      ip: site.peer,
      method: "gRPC",
      url: site.path,
      routeOptions: { url: site.path },
    };
    const value = header(site.metadata, "authorization");
    const secret = value?.startsWith("Bearer ") ? value.slice(7).trim() : undefined;
    if (!secret) {
      this.refusals?.unauthenticated("missing", request);
      throw new SpicedbError(
        "UNAUTHENTICATED",
        "missing bearer token: send `authorization: Bearer <secret>` metadata (the client's token)",
      );
    }
    const found = this.stores(secret);
    const store = found instanceof Promise ? await found : found;
    const token = store.authority.cached(secret) ?? (await store.authority.find(secret));
    if (!token) {
      this.refusals?.unauthenticated("invalid", request);
      throw new SpicedbError("UNAUTHENTICATED", "unknown or revoked token");
    }
    return { token, store, requestId, request };
  }

  async authorize(site: CallSite, access: CallAccess): Promise<Caller> {
    const { token, store, requestId, request } = await this.authenticate(site);
    const { gatehouse, authority } = store;
    const tenant = tenantOf(site, token);
    const refused = authority.refusal(
      token,
      { role: access.role, tenant: access.storeWide ? "store" : () => tenant },
      access.storeWide ? undefined : tenant,
    );
    if (refused) {
      await this.refusals?.forbidden(token, request, refused.message);
      throw new SpicedbError("PERMISSION_DENIED", refused.message);
    }
    return { token, gatehouse, tenant, requestId };
  }
}
