import { checkTenant } from "../../model/names.js";
import type { Dialect } from "../sql/dialect.js";
import type { Database, Sql } from "../sql/sql.js";
import type { SnapshotFiles } from "../sqlite/snapshot-files.js";
import type { IndexSnapshotRecord, Revision, StoredIndexSnapshot } from "../store.js";

/**
 * Bytes a chunk on PostgreSQL, where a bytea travels as hex text (a 17 MB snapshot would be one
 * 34 MB string); a read holds `READ_CHUNKS` of them at a time besides the whole snapshot. SQLite
 * keeps one chunk: its blob is read as one Buffer that is the snapshot itself, where chunks would
 * each be garbage the size of the snapshot in all, resident until a collection.
 */
const CHUNK_BYTES = 1 << 20;
const READ_CHUNKS = 4;

/**
 * The `index_snapshots` and `index_snapshot_chunks` tables: the newest snapshot of each tenant's
 * index (its bytes are the engine's format, src/engine/index-snapshot.ts, opaque here), in
 * chunks. One snapshot a tenant: a newer one replaces the one before, an older one (a slower
 * writer, another node) is not kept.
 */
export class IndexSnapshots {
  readonly #now: () => string;
  readonly #chunkBytes: number;
  /** The copies kept as files beside a SQLite file store (see snapshot-files.ts); the rows have `file_tag`. */
  readonly files: SnapshotFiles | undefined;

  constructor(dialect: Dialect, now: () => string, files?: SnapshotFiles) {
    this.#now = now;
    this.#chunkBytes = dialect.inProcess ? Number.POSITIVE_INFINITY : CHUNK_BYTES;
    this.files = files;
  }

  /**
   * In a write transaction: keeps `bytes` as the tenant's snapshot unless a newer one is kept;
   * returns whether it was. With files, `tag` is recorded as its file's (written once committed).
   */
  async put(
    sql: Sql,
    tenant: string,
    revision: Revision,
    format: number,
    bytes: Uint8Array,
    tag?: string,
  ): Promise<boolean> {
    checkTenant(tenant, { field: "tenant" });
    // A purge since the snapshot's revision removed events it would need to catch up.
    const [purged] = await sql.rows(
      "SELECT 1 FROM revisions WHERE revision > $1 AND tenant = $2 AND kind = 'purge' LIMIT 1",
      [revision, tenant],
    );
    if (purged !== undefined) return false;
    // The header row first: it locks the tenant's snapshot against another writer (PostgreSQL),
    // which waits here and then finds this one newer or replaces it whole.
    const written = await sql.run(
      this.files === undefined
        ? `INSERT INTO index_snapshots (tenant, revision, format, created_at, size) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant) DO UPDATE SET revision = excluded.revision, format = excluded.format,
         created_at = excluded.created_at, size = excluded.size
       WHERE excluded.revision >= index_snapshots.revision`
        : `INSERT INTO index_snapshots (tenant, revision, format, created_at, size, file_tag) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (tenant) DO UPDATE SET revision = excluded.revision, format = excluded.format,
         created_at = excluded.created_at, size = excluded.size, file_tag = excluded.file_tag
       WHERE excluded.revision >= index_snapshots.revision`,
      this.files === undefined
        ? [tenant, revision, format, this.#now(), bytes.byteLength]
        : [tenant, revision, format, this.#now(), bytes.byteLength, tag ?? null],
    );
    if (written === 0) return false;
    await sql.run("DELETE FROM index_snapshot_chunks WHERE tenant = $1", [tenant]);
    const chunks: unknown[][] = [];
    for (let at = 0, chunk = 0; at < bytes.byteLength; at += this.#chunkBytes, chunk++) {
      const length = Math.min(this.#chunkBytes, bytes.byteLength - at);
      chunks.push([tenant, chunk, Buffer.from(bytes.buffer, bytes.byteOffset + at, length)]);
    }
    await sql.runEach("INSERT INTO index_snapshot_chunks (tenant, chunk, bytes) VALUES ($1, $2, $3)", chunks);
    return true;
  }

  /**
   * The tenant's snapshot if it was taken at or before `atMost`, read as of one moment. Its
   * bytes are what was found: a missing chunk leaves them short, which decoding refuses.
   */
  newest(
    db: Database,
    tenant: string,
    atMost: Revision,
    useFile = true,
  ): Promise<StoredIndexSnapshot | undefined> {
    const files = this.files;
    return db.read(async (sql) => {
      const [row] = await sql.rows<[number, number, string, number, string | null]>(
        `SELECT revision, format, created_at, size, ${files === undefined ? "NULL" : "file_tag"}
         FROM index_snapshots WHERE tenant = $1 AND revision <= $2`,
        [tenant, atMost],
      );
      if (row === undefined) return undefined;
      const [revision, format, createdAt, size, tag] = row;
      let found: Omit<StoredIndexSnapshot, "bytes"> = { tenant, revision, format, createdAt };
      if (files !== undefined && tag !== null && useFile) {
        // Read in the transaction: the row and the file are of one moment (a writer renames the
        // file in only after committing its row, so a newer file says another tag).
        const file = files.read(tenant, revision, tag, size);
        if (file !== undefined && "bytes" in file) return { ...found, bytes: file.bytes, file: file.path };
        if (file !== undefined) found = { ...found, fileIgnored: { path: file.path, reason: file.refused } };
      }
      const [whole] = await sql.rows<[Uint8Array]>(
        "SELECT bytes FROM index_snapshot_chunks WHERE tenant = $1 AND chunk = 0 AND length(bytes) = $2",
        [tenant, size],
      );
      if (whole !== undefined) return { ...found, bytes: whole[0] };
      const bytes = new Uint8Array(size);
      let filled = 0;
      for (let first = 0; filled < size; first += READ_CHUNKS) {
        const parts = await sql.rows<[Uint8Array]>(
          "SELECT bytes FROM index_snapshot_chunks WHERE tenant = $1 AND chunk >= $2 AND chunk < $3 ORDER BY chunk",
          [tenant, first, first + READ_CHUNKS],
        );
        if (parts.length === 0) break;
        for (const [part] of parts) {
          if (filled + part.byteLength > size) break;
          bytes.set(part, filled);
          filled += part.byteLength;
        }
      }
      return { ...found, bytes: filled === size ? bytes : bytes.subarray(0, filled) };
    });
  }

  /** Every tenant's snapshot, without its bytes. */
  async list(sql: Sql): Promise<IndexSnapshotRecord[]> {
    const rows = await sql.rows<[string, number, number, string, number]>(
      "SELECT tenant, revision, format, created_at, size FROM index_snapshots ORDER BY tenant",
    );
    return rows.map(([tenant, revision, format, createdAt, bytes]) => ({
      tenant,
      revision,
      format,
      createdAt,
      bytes,
    }));
  }

  /** Removes the tenant's snapshot: a purge removed rows that it may still hold. */
  async drop(sql: Sql, tenant: string): Promise<void> {
    await sql.run("DELETE FROM index_snapshot_chunks WHERE tenant = $1", [tenant]);
    await sql.run("DELETE FROM index_snapshots WHERE tenant = $1", [tenant]);
  }
}
