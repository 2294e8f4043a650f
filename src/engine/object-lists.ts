import type { SubjectList } from "./data-index.js";
import type { FrozenEntries } from "./frozen-entries.js";
import { RelationEdges } from "./relation-edges.js";

/**
 * object → subject list (the reverse index: subject → the edge keys that name it), read once per
 * new subject on the check path. Kept as one-sided RelationEdges with a single relation, so that
 * it is frozen into typed arrays after a bulk load like the edges (its values are edge keys,
 * doubles) and written through the same overlay.
 */
export class ObjectLists {
  readonly #edges = new RelationEdges(1, [true]);

  /** Every object's list, frozen: what an index snapshot writes (index-snapshot.ts). */
  frozen(): FrozenEntries {
    return this.#edges.frozen();
  }

  /** Takes over the frozen lists an index snapshot read (a new, empty instance only). */
  restore(frozen: FrozenEntries): void {
    this.#edges.restore(frozen);
  }

  /** See `RelationEdges.freeze`. */
  freeze(): void {
    this.#edges.freeze();
  }

  /** Whether the object has a list (without building it). */
  has(object: number): boolean {
    return this.#edges.has(object);
  }

  get(object: number): SubjectList | undefined {
    return this.#edges.direct.get(object);
  }

  set(object: number, list: SubjectList): void {
    this.#edges.direct.set(object, list);
  }

  delete(object: number): void {
    this.#edges.direct.delete(object);
  }
}
