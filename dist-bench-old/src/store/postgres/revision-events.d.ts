import { type Revision, type RevisionEvent } from "../store.js";
import type { Sql } from "./connection.js";
/**
 * The revisions after `afterRevision` (already checked), oldest first, at most `limit`, as
 * followers replay them; the same events as SQLite's. A revision row commits with everything it
 * wrote, and revisions commit in order (`revisions.ts`), so once the last revision listed is
 * visible, all rows of the range are: the four reads need no common snapshot.
 */
export declare function revisionEvents(sql: Sql, afterRevision: Revision, limit: number): Promise<RevisionEvent[]>;
