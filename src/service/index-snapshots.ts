import type { DataIndex } from "../engine/data-index.js";
import type { TenantIndex } from "../engine/engine.js";
import {
  decodeSnapshot,
  encodeSnapshot,
  READABLE_FORMATS,
  SNAPSHOT_FORMAT,
  SnapshotRefused,
  unreadableFormat,
} from "../engine/index-snapshot.js";
import type { Revision, Store, StoredIndexSnapshot } from "../store/store.js";

/** When a tenant's index is worth a new snapshot: this many rows changed, or this share of its size. */
export const SNAPSHOT_MIN_CHANGES = 10_000;
export const SNAPSHOT_CHANGED_SHARE = 0.1;

export interface IndexSnapshotOptions {
  /** Load tenants from their snapshots (default true); false always builds from the rows. */
  readonly load?: boolean;
  /**
   * Write snapshots in the background, every `everyMs` looking for tenants changed enough since
   * their last one (`gatehouse serve`); absent: only when asked (`writeIndexSnapshot`, an import).
   */
  readonly background?: { readonly everyMs: number } | undefined;
  /** Where the one line about an ignored snapshot goes (default: standard error). */
  readonly log?: ((line: string) => void) | undefined;
}

/** A snapshot written: which tenant, at which revision, its size and what encoding it cost. */
export interface WrittenSnapshot {
  readonly tenant: string;
  readonly revision: Revision;
  readonly relationships: number;
  readonly bytes: number;
  readonly encodeMs: number;
  /** False when the store already kept a newer one (another process wrote it meanwhile). */
  readonly kept: boolean;
}

/** A snapshot read back: its index and the revision it is at, to catch up from. */
export interface RestoredSnapshot {
  readonly data: DataIndex;
  readonly revision: Revision;
}

/** Whether an index changed enough since its last snapshot for another to be worth writing. */
export function snapshotDue(index: TenantIndex): boolean {
  const changed = index.changedSinceSnapshot;
  return changed >= SNAPSHOT_MIN_CHANGES && changed >= SNAPSHOT_CHANGED_SHARE * index.data.size;
}

/**
 * Index snapshots as the service uses them: read one back for a load, write one from a loaded
 * index. A snapshot that cannot be used (corrupt, another format) is ignored with one log line,
 * and the caller builds the index from the rows as if there were none.
 */
export class IndexSnapshotKeeper {
  readonly #store: Store;
  readonly #now: () => Date;
  readonly #log: (line: string) => void;
  readonly load: boolean;

  constructor(store: Store, now: () => Date, options: IndexSnapshotOptions = {}) {
    this.#store = store;
    this.#now = now;
    this.load = options.load ?? true;
    this.#log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  /** Says why a snapshot of `tenant` is not used, once. */
  ignored(tenant: string, revision: Revision, reason: string): void {
    this.#log(
      `gatehouse: index snapshot of tenant \`${tenant}\` at revision ${revision} ignored (${reason}); loading from the store`,
    );
  }

  /** Says that a background write failed; the next pass tries again. */
  failed(error: unknown): void {
    this.#log(
      `gatehouse: writing an index snapshot failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }

  /** The tenant's newest snapshot at or before `atMost`, decoded; undefined when there is none usable. */
  async restore(tenant: string, atMost: Revision): Promise<RestoredSnapshot | undefined> {
    if (!this.load) return undefined;
    let stored = await this.#store.readIndexSnapshot(tenant, atMost);
    if (stored === undefined) return undefined;
    if (!READABLE_FORMATS.includes(stored.format)) {
      this.ignored(tenant, stored.revision, unreadableFormat(stored.format));
      return undefined;
    }
    if (stored.fileIgnored !== undefined) this.#fileIgnored(tenant, stored.fileIgnored);
    let refused = this.#decode(stored);
    if (typeof refused === "string" && stored.file !== undefined) {
      // The file beside the store did not decode: the store's own copy may.
      const file = { path: stored.file, reason: refused };
      stored = await this.#store.readIndexSnapshot(tenant, atMost, { file: false });
      if (stored === undefined) return undefined;
      refused = this.#decode(stored);
      // When the store's copy is refused too, the one line below says why, as without a file.
      if (typeof refused !== "string") this.#fileIgnored(tenant, file);
    }
    if (typeof refused !== "string") return refused;
    this.ignored(tenant, stored.revision, refused);
    return undefined;
  }

  /** The snapshot decoded, or why it is refused. */
  #decode(stored: StoredIndexSnapshot): RestoredSnapshot | string {
    try {
      const decoded = decodeSnapshot(stored.bytes, this.#now().getTime());
      if (decoded.revision !== stored.revision)
        throw new SnapshotRefused(
          `it says revision ${decoded.revision}, the store filed it at ${stored.revision}`,
        );
      return { data: decoded.data, revision: decoded.revision };
    } catch (error) {
      if (!(error instanceof SnapshotRefused)) throw error;
      return error.message.replace(/^index snapshot refused: /, "");
    }
  }

  /** Says why the copy of a snapshot in a file beside the store was not used, once. */
  #fileIgnored(tenant: string, file: { readonly path: string; readonly reason: string }): void {
    this.#log(
      `gatehouse: index snapshot file \`${file.path}\` of tenant \`${tenant}\` ignored (${file.reason}); reading the store's copy`,
    );
  }

  /**
   * Writes a snapshot of `index` as it is now, at `revision` (the revision the index reflects:
   * read both in the same turn). The encoding is synchronous and the write is not.
   */
  async write(index: TenantIndex, revision: Revision): Promise<WrittenSnapshot> {
    const started = performance.now();
    const bytes = encodeSnapshot(index.data, revision);
    const encodeMs = performance.now() - started;
    const relationships = index.data.size;
    index.changedSinceSnapshot = 0;
    const kept = await this.#store.writeIndexSnapshot(index.name, revision, SNAPSHOT_FORMAT, bytes);
    return { tenant: index.name, revision, relationships, bytes: bytes.byteLength, encodeMs, kept };
  }
}
