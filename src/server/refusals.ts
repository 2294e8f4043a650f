import type { FastifyBaseLogger } from "fastify";
import type { Counter } from "prom-client";
import { type AddressedRequest, clientAddressOf } from "../cluster/hop.js";
import type { Audit } from "../service/audit.js";
import type { TokenRecord } from "../service/records.js";

/** At most one log line this often about requests without a valid token. */
const UNAUTHENTICATED_LOG_MS = 10_000;
/** A token refused on one route is audited once at first, then summed once per this window. */
const FORBIDDEN_WINDOW_MS = 60_000;
/** Beyond this many (token, route) pairs in flight, refusals are counted and logged only. */
const MAX_FORBIDDEN_KEYS = 10_000;

export type RefusalReason = "missing" | "invalid" | "forbidden";

/** What a refusal records of its request: a Fastify request has it, and so has a gRPC call. */
export interface RefusedRequest extends AddressedRequest {
  readonly id: string;
  readonly method: string;
  readonly url: string;
  readonly routeOptions: { readonly url?: string | undefined };
}

interface ForbiddenWindow {
  /** When the window's first refusal was seen. */
  since: number;
  /** Refusals after the first, not yet in the audit log. */
  repeated: number;
  lastMessage: string;
  timer: NodeJS.Timeout | undefined;
}

/**
 * What becomes of refused requests.
 *
 * A request without a valid token (401) can come from anyone, so it must cost no store write: it
 * is counted in `gatehouse_auth_failures_total` and summed in one warning line at most every
 * 10 s, never written to the audit chain. (Writing each one let 10 s of anonymous requests add
 * 25,000 chained records and slow every real write 20-fold.)
 *
 * A request refused to a valid token (403) is a known principal reaching past its rights, which
 * is what the audit log is for, so it stays audited; but one token must not flood the chain
 * either. The first refusal of a token on a route is audited at once; the ones that follow on
 * that route within 60 s are summed into one `auth.forbidden` record at the window's end
 * (`details.repeated`). A token thus adds at most about one record per route a minute, however
 * fast it asks, and every refusal is still counted in the metric and in the chain's sums.
 */
export class Refusals {
  readonly #audit: Audit;
  readonly #counter: Counter<"reason">;
  readonly #log: FastifyBaseLogger;
  readonly #pending = { missing: 0, invalid: 0 };
  #lastLogAt = Number.NEGATIVE_INFINITY;
  #lastRequest: { ip: string; route: string } | undefined;
  #logTimer: NodeJS.Timeout | undefined;
  readonly #forbidden = new Map<string, ForbiddenWindow>();
  readonly #writes = new Set<Promise<unknown>>();

  constructor(audit: Audit, counter: Counter<"reason">, log: FastifyBaseLogger) {
    this.#audit = audit;
    this.#counter = counter;
    this.#log = log;
  }

  /** A request with no token, or one that is unknown or revoked. */
  unauthenticated(reason: "missing" | "invalid", request: RefusedRequest): void {
    this.#counter.inc({ reason });
    this.#pending[reason]++;
    this.#lastRequest = { ip: clientAddressOf(request), route: routeOf(request) };
    if (this.#logTimer !== undefined) return;
    const wait = this.#lastLogAt + UNAUTHENTICATED_LOG_MS - Date.now();
    if (wait <= 0) this.#logUnauthenticated();
    else this.#logTimer = setTimeout(() => this.#logUnauthenticated(), wait).unref();
  }

  /**
   * A valid token refused a route; resolves once the refusal is audited, or at once when it
   * is summed into the window's record instead.
   */
  async forbidden(token: TokenRecord, request: RefusedRequest, message: string): Promise<void> {
    this.#counter.inc({ reason: "forbidden" });
    const target = routeOf(request);
    const key = `${token.name}\n${target}`;
    const now = Date.now();
    const window = this.#forbidden.get(key);
    if (window && (window.timer !== undefined || now - window.since < FORBIDDEN_WINDOW_MS)) {
      window.repeated++;
      window.lastMessage = message;
      window.timer ??= setTimeout(
        () => this.#sum(key, token.name, target),
        Math.max(0, window.since + FORBIDDEN_WINDOW_MS - now),
      ).unref();
      return;
    }
    if (this.#forbidden.size >= MAX_FORBIDDEN_KEYS) {
      for (const [k, w] of this.#forbidden) if (w.timer === undefined) this.#forbidden.delete(k);
    }
    if (this.#forbidden.size < MAX_FORBIDDEN_KEYS)
      this.#forbidden.set(key, { since: now, repeated: 0, lastMessage: message, timer: undefined });
    else {
      this.#log.warn({ token: token.name, route: target }, "refused a token (too many to audit each)");
      return;
    }
    await this.#audit.forbidden(token.name, target, message, {
      requestId: request.id,
      ip: clientAddressOf(request),
    });
  }

  /** Writes what is still only summed in memory: the pending log line and window records. */
  async flush(): Promise<void> {
    if (this.#logTimer !== undefined) {
      clearTimeout(this.#logTimer);
      this.#logUnauthenticated();
    }
    for (const [key, window] of this.#forbidden) {
      if (window.timer === undefined) continue;
      clearTimeout(window.timer);
      const [name, target] = key.split("\n") as [string, string];
      this.#sum(key, name, target);
    }
    await Promise.all(this.#writes);
  }

  #logUnauthenticated(): void {
    this.#logTimer = undefined;
    const { missing, invalid } = this.#pending;
    if (missing + invalid === 0) return;
    const since = this.#lastLogAt;
    this.#lastLogAt = Date.now();
    this.#pending.missing = 0;
    this.#pending.invalid = 0;
    this.#log.warn(
      {
        missing,
        invalid,
        ...(Number.isFinite(since) ? { sinceMs: this.#lastLogAt - since } : {}),
        last: this.#lastRequest,
      },
      `refused ${missing + invalid} request(s) without a valid token (${missing} without one, ${invalid} unknown or revoked)`,
    );
  }

  /** The end of a token's window on a route: one audit record for the refusals it summed. */
  #sum(key: string, name: string, target: string): void {
    const window = this.#forbidden.get(key);
    if (!window) return;
    window.timer = undefined;
    const repeated = window.repeated;
    if (repeated === 0) return;
    const since = new Date(window.since).toISOString();
    const until = new Date().toISOString();
    // The next window starts now: a steady stream of refusals is summed once a window.
    window.since = Date.now();
    window.repeated = 0;
    const write: Promise<unknown> = this.#audit
      .forbidden(
        name,
        target,
        `${window.lastMessage} (refused ${repeated} more time(s) from ${since} to ${until})`,
        { repeated, since, until },
      )
      .catch((error) => this.#log.error({ err: error }, "auditing refused requests failed"))
      .finally(() => this.#writes.delete(write));
    this.#writes.add(write);
  }
}

function routeOf(request: RefusedRequest): string {
  return `${request.method} ${request.routeOptions.url ?? request.url}`;
}
