import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkTenant } from "../../model/names.js";

/**
 * A SQLite store's index snapshots, also kept as files beside it (`STORE.db.snapshots/TENANT.ghix`):
 * better-sqlite3 reads a 17 MB blob page by page through the B-tree's overflow chain, 0.15-0.25 s
 * of a cold CLI check at a million relationships, where a file is one read. The store's tables
 * stay the truth: a file is used only when its tag is the one the tenant's `index_snapshots` row
 * records (`file_tag`, drawn afresh for each snapshot written), so a file left from an older
 * snapshot, a purged tenant or another store is never read as this one. Its bytes are the
 * snapshot's own, checksum included, which the decoder verifies as it does the store's copy.
 *
 * A file is a cache: writing or removing it is best effort (a read-only directory, a full disk),
 * and without it the snapshot is read from the store as before.
 *
 * Layout: a u32 (little-endian) header length, the header (JSON: `FileHeader`, padded with spaces
 * to end 8-aligned), the snapshot's bytes.
 */

interface FileHeader {
  readonly tenant: string;
  readonly revision: number;
  readonly tag: string;
  readonly size: number;
}

/** The directory of a SQLite store's snapshot files (removed with the store: `demo --reset`). */
export function snapshotFilesDir(storePath: string): string {
  return `${storePath}.snapshots`;
}

/**
 * Names Windows keeps for devices, whatever follows a dot (`nul.ghix` is the null device there):
 * valid tenant names, but not file names.
 */
const WINDOWS_DEVICE = /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])$/;

/**
 * The file name of a tenant's snapshot: the tenant itself (its name is plain, `TENANT_NAME`), a
 * Windows device name with a leading `_` (no tenant starts with one, so no other tenant's file
 * has that name). Anything that is not a tenant name (a separator, `..`, NUL, upper case) is
 * refused here rather than trusted to have been refused by the caller.
 */
export function snapshotFileName(tenant: string): string {
  checkTenant(tenant, { field: "tenant" });
  return `${WINDOWS_DEVICE.test(tenant) ? `_${tenant}` : tenant}.ghix`;
}

/** What reading a tenant's file found: its snapshot bytes, or why it was not used. */
export type SnapshotFileRead =
  | { readonly bytes: Uint8Array; readonly path: string }
  | { readonly refused: string; readonly path: string };

export class SnapshotFiles {
  readonly dir: string;

  constructor(storePath: string) {
    this.dir = snapshotFilesDir(storePath);
  }

  /** A tag for the next snapshot written, recorded in its row and its file. */
  static newTag(): string {
    return randomUUID();
  }

  path(tenant: string): string {
    return join(this.dir, snapshotFileName(tenant));
  }

  /** Writes the file of a snapshot the store has just kept (whole, or not at all: a rename). */
  write(tenant: string, revision: number, tag: string, bytes: Uint8Array): void {
    const json = JSON.stringify({ tenant, revision, tag, size: bytes.byteLength } satisfies FileHeader);
    // Padded with spaces (JSON allows them) so that the snapshot starts 8-aligned in the file
    // and in the buffer it is read into: its arrays are then read as views, not copies.
    const header = Buffer.from(json.padEnd(json.length + ((8 - ((4 + Buffer.byteLength(json)) % 8)) % 8)));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.byteLength, 0);
    const path = this.path(tenant);
    const temporary = `${path}.${process.pid}.${SnapshotFiles.newTag()}.tmp`;
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(temporary, Buffer.concat([length, header, bytes]));
      renameSync(temporary, path);
    } catch {
      // A cache: the store's copy is read instead.
      rmSync(temporary, { force: true });
    }
  }

  /**
   * The tenant's file if it holds the snapshot of this tag and size; undefined when there is no
   * file (nothing to say: snapshots written before files, or the file could not be written).
   */
  read(tenant: string, revision: number, tag: string, size: number): SnapshotFileRead | undefined {
    const path = this.path(tenant);
    let file: Buffer;
    try {
      file = readFileSync(path);
    } catch {
      return undefined;
    }
    const refused = (reason: string) => ({ refused: reason, path });
    if (file.byteLength < 4) return refused("truncated");
    const headerLength = file.readUInt32LE(0);
    if (4 + headerLength > file.byteLength) return refused("truncated");
    let header: FileHeader;
    try {
      header = JSON.parse(file.subarray(4, 4 + headerLength).toString("utf8")) as FileHeader;
    } catch {
      return refused("its header is not readable");
    }
    if (header.tenant !== tenant || header.tag !== tag || header.revision !== revision)
      return refused(`stale: it holds revision ${header.revision} of another snapshot`);
    const bytes = file.subarray(4 + headerLength);
    if (header.size !== size || bytes.byteLength !== size)
      return refused(`truncated: ${bytes.byteLength} bytes of ${size}`);
    return { bytes, path };
  }

  /** Removes the tenant's file (its snapshot was dropped: a purge). */
  remove(tenant: string): void {
    try {
      rmSync(this.path(tenant), { force: true });
    } catch {
      // Its row is gone, so the file is never read again: a leftover is harmless.
    }
  }
}
