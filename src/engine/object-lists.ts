import type { SubjectList } from "./data-index.js";

/**
 * object → subject list, in an array indexed by the object's dense number: the reverse index
 * (subject → the edges that name it) is read once per new subject on the check path, and an
 * array slot is one load where a `Map` of every object would hash and probe.
 */
export class ObjectLists {
  #lists: (SubjectList | undefined)[] = [];

  /** Every object's list, by object number: what an index snapshot writes (index-snapshot.ts). */
  get lists(): readonly (SubjectList | undefined)[] {
    return this.#lists;
  }

  /** Takes over the lists an index snapshot read (a new, empty instance only). */
  restore(lists: (SubjectList | undefined)[]): void {
    if (this.#lists.length > 0) throw new Error("restore into object lists that are not empty");
    this.#lists = lists;
  }

  get(object: number): SubjectList | undefined {
    return this.#lists[object];
  }

  set(object: number, list: SubjectList): void {
    const lists = this.#lists;
    while (lists.length <= object) lists.push(undefined);
    lists[object] = list;
  }

  delete(object: number): void {
    if (object < this.#lists.length) this.#lists[object] = undefined;
  }
}
