import { createHash } from "node:crypto";
import { GatehouseError } from "../model/errors.js";

/** Items in one page of a lookup or a relationship read when the caller names no limit. */
export const PAGE_SIZE_DEFAULT = 1_000;
/** The most items one page may hold: bounds the time and memory of one request. */
export const PAGE_SIZE_MAX = 10_000;

export interface PageOptions {
  /** Items in this page, 1 to `PAGE_SIZE_MAX` (default `PAGE_SIZE_DEFAULT`). */
  readonly limit?: number | undefined;
  /** The `cursor` of the page before, to continue where it ended. */
  readonly cursor?: string | undefined;
}

export type PageKind = "resources" | "subjects" | "relationships";

/**
 * What a cursor carries: the query it belongs to (as a digest), the revision the first page was
 * answered at (every later page answers at the same one), the schema that answered it, and the
 * sort key of the last item handed out. It is opaque to callers (base64url JSON).
 */
export interface Cursor {
  readonly kind: PageKind;
  readonly query: string;
  readonly revision: number;
  readonly schema: string;
  /** The last item's sort key (an id, or a tuple for relationship reads). */
  readonly after: string | readonly string[];
}

const VERSION = 1;

/** The page size a caller asked for, checked. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return PAGE_SIZE_DEFAULT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > PAGE_SIZE_MAX)
    throw new GatehouseError(
      "input",
      `invalid limit \`${String(limit)}\`: expected a whole number from 1 to ${PAGE_SIZE_MAX.toLocaleString("en")}`,
      { field: "limit" },
    );
  return limit;
}

/** A digest of the query's parts, so that a cursor is not taken to continue another query. */
export function queryDigest(parts: readonly unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("base64url").slice(0, 16);
}

export function encodeCursor(cursor: Cursor): string {
  const { kind, query, revision, schema, after } = cursor;
  return Buffer.from(JSON.stringify([VERSION, kind, query, revision, schema, after])).toString("base64url");
}

/** Reads a cursor, refusing one that is malformed or that belongs to another query. */
export function decodeCursor(text: string, kind: PageKind, query: string): Cursor {
  const bad = (why: string) =>
    new GatehouseError("input", `invalid cursor: ${why}; start again without one`, { field: "cursor" });
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw bad("it is not a cursor this server handed out");
  }
  if (!Array.isArray(value) || value.length !== 6 || value[0] !== VERSION)
    throw bad("it is not a cursor this server handed out");
  const [, k, q, revision, schema, after] = value as unknown[];
  const afterOk =
    typeof after === "string" || (Array.isArray(after) && after.every((part) => typeof part === "string"));
  if (typeof k !== "string" || typeof q !== "string" || typeof schema !== "string" || !afterOk)
    throw bad("it is not a cursor this server handed out");
  if (!Number.isSafeInteger(revision) || (revision as number) < 0)
    throw bad("it is not a cursor this server handed out");
  if (k !== kind || q !== query) throw bad("it belongs to another query");
  return { kind, query, revision: revision as number, schema, after: after as string | string[] };
}

/**
 * The index of the first item whose sort key is after `after`, in a list sorted by `keyOf`
 * (JavaScript string order, as the engine sorts): a page continues exactly there.
 */
export function startAfter<T>(items: readonly T[], keyOf: (item: T) => string, after: string): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (keyOf(items[mid] as T) <= after) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** How long a computed answer is kept for the pages after the first, and how much of it. */
const KEEP_MS = 60_000;
const KEEP_ITEMS = 2_000_000;

/**
 * Whole lookup answers kept for their later pages, so that paging through N ids costs one
 * lookup rather than one per page. Bounded by the items held (oldest dropped first) and by age;
 * an answer that is gone is computed again (at the cursor's revision), so nothing depends on it.
 */
export class PageCache<T> {
  readonly #entries = new Map<string, { items: readonly T[]; at: number }>();
  #held = 0;

  get(key: string): readonly T[] | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (Date.now() - entry.at > KEEP_MS) {
      this.#drop(key);
      return undefined;
    }
    // Most recently used last: the oldest is the first to go.
    this.#entries.delete(key);
    this.#entries.set(key, { items: entry.items, at: Date.now() });
    return entry.items;
  }

  set(key: string, items: readonly T[]): void {
    if (items.length > KEEP_ITEMS) return;
    this.#drop(key);
    while (this.#held + items.length > KEEP_ITEMS) {
      const oldest = this.#entries.keys().next().value as string;
      this.#drop(oldest);
    }
    this.#entries.set(key, { items, at: Date.now() });
    this.#held += items.length;
  }

  #drop(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#held -= entry.items.length;
    this.#entries.delete(key);
  }
}
