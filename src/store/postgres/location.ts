import { inputError } from "../../model/errors.js";

/**
 * Where a PostgreSQL store lives: the server, the database and a schema (namespace) in it. The
 * schema is `public` unless the URL's `?schema=NAME` names another, so that several stores (one
 * per test, one per environment) can share a database without seeing each other.
 */
export interface PostgresLocation {
  /** The URL as pg takes it, without the parameters Gatehouse reads itself. */
  readonly connectionString: string;
  /** Startup options for every connection: the user's own, then the schema's search_path. */
  readonly options: string;
  readonly schema: string;
  /** `host:port`, for messages: never the user or password. */
  readonly target: string;
  /** The NOTIFY channel of this store's revisions. */
  readonly channel: string;
  /**
   * How other processes learn of new revisions: `listen` (LISTEN/NOTIFY, with a poll as a safety
   * net) or `poll` (`?feed=poll`: no LISTEN connection and no `pg_notify` in writes), for
   * PostgreSQL-compatible databases without LISTEN/NOTIFY, such as CockroachDB.
   */
  readonly feed: "listen" | "poll";
  /** `?poll_ms=N`: how often the head is read, in milliseconds, when given. */
  readonly pollMs?: number;
}

/**
 * Lowercase so that it needs no quoting in `search_path`; short enough that the channel name
 * (`gatehouse:` + schema) stays within PostgreSQL's 63-byte identifiers.
 */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,52}$/;
const CHANNEL_PREFIX = "gatehouse:";
const POLL_MS = { min: 10, max: 60_000 };

export function parseLocation(url: string): PostgresLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The URL may hold a password: name the problem, not the text.
    throw inputError("invalid PostgreSQL URL: expected `postgres://USER@HOST:PORT/DATABASE`", {
      field: "store",
    });
  }
  const schema = parsed.searchParams.get("schema") ?? "public";
  if (!SCHEMA_NAME.test(schema)) {
    throw inputError(
      `invalid schema \`${schema}\` in the store URL: expected 1 to 53 lowercase letters, digits or \`_\`, not starting with a digit`,
      { field: "store" },
    );
  }
  const userOptions = parsed.searchParams.get("options") ?? "";
  const feed = parsed.searchParams.get("feed") ?? "listen";
  if (feed !== "listen" && feed !== "poll") {
    throw inputError(`invalid feed \`${feed}\` in the store URL: expected \`listen\` or \`poll\``, {
      field: "store",
    });
  }
  const pollText = parsed.searchParams.get("poll_ms");
  const pollMs = pollText === null ? undefined : Number(pollText);
  if (pollMs !== undefined && !(/^\d+$/.test(pollText!) && pollMs >= POLL_MS.min && pollMs <= POLL_MS.max)) {
    throw inputError(
      `invalid poll_ms \`${pollText}\` in the store URL: expected whole milliseconds from ${POLL_MS.min} to ${POLL_MS.max}`,
      { field: "store" },
    );
  }
  for (const name of ["schema", "options", "feed", "poll_ms"]) parsed.searchParams.delete(name);
  const host = parsed.searchParams.get("host") ?? (parsed.hostname || "localhost");
  const port = parsed.port || parsed.searchParams.get("port") || "5432";
  return {
    connectionString: parsed.toString(),
    options: `${userOptions} -c search_path=${schema}`.trim(),
    schema,
    target: host.startsWith("/") ? `${host} (port ${port})` : `${host}:${port}`,
    channel: `${CHANNEL_PREFIX}${schema}`,
    feed,
    ...(pollMs === undefined ? {} : { pollMs }),
  };
}
