import { type Revision, type RevisionEvent } from "../store.js";
import type { SqliteConnection } from "./connection.js";
/**
 * The revisions after `afterRevision` (already checked), oldest first, at most `limit`, as
 * followers replay them. A change's revision is a tenant write that may also carry a schema
 * version: its event names the tenant and the version.
 */
export declare function revisionEvents(db: SqliteConnection, afterRevision: Revision, limit: number): RevisionEvent[];
