import { GatehouseError } from "../model/errors.js";
import { PAGE_SIZE_MAX } from "../service/pages.js";

/** `--limit N`: a whole number, 1 or more. */
export function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text)))
    throw new GatehouseError("usage", `--limit expects a whole number, 1 or more, got \`${text}\``);
  return Number(text);
}

/**
 * Reads every page of a paged read (or the first `limit` items), following the cursor: all
 * pages answer at the first one's revision.
 */
export async function allPages<T, P extends { cursor: string | null }>(
  limit: number | undefined,
  read: (page: { limit: number; cursor?: string }) => Promise<P>,
  itemsOf: (page: P) => readonly T[],
): Promise<{ items: T[]; first: P }> {
  const items: T[] = [];
  let cursor: string | undefined;
  let first: P | undefined;
  do {
    const want = limit === undefined ? PAGE_SIZE_MAX : Math.min(PAGE_SIZE_MAX, limit - items.length);
    const page = await read(cursor === undefined ? { limit: want } : { limit: want, cursor });
    first ??= page;
    items.push(...itemsOf(page));
    cursor = page.cursor ?? undefined;
  } while (cursor !== undefined && (limit === undefined || items.length < limit));
  return { items, first: first as P };
}
