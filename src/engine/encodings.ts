import type { SubjectList } from "./data-index.js";

/**
 * The numbers the engine packs its keys into, written once. Every builder is one multiplication
 * and every reader one division, small enough for V8 to inline where they are called: the check
 * path reads them once per step, and a function call there would show in the latency figures.
 *
 * - An edge key, `object * RELATION_SLOTS + relation`: one relation of one object (the key of
 *   its subjects in the index). A userset subject `group:eng#member` is stored as the edge key of
 *   the relation it names, so the same readers take it apart.
 * - A parent key, `userset * RELATION_SLOTS + relation`: who names a userset, by the relation
 *   they name it in (`DataIndex.usersetParents`).
 * - A step key, `object * MEMBER_SLOTS + member.id`: one member (relation or permission) of one
 *   object under one schema, as the walks remember what they visited.
 * - An object's entry in the edges, `[slot, direct, usersets, slot, direct, usersets, …]`: read
 *   with `relationAt`, then `directAt` and `usersetsAt`.
 */

/** Distinct relation names one tenant may use; a relation slot is below it. */
export const RELATION_SLOTS = 4096;

/** Members one schema may have; a member id is below it. */
export const MEMBER_SLOTS = 1 << 16;

/** The edge key of `relation` on `object` (also: the stored form of the userset `object#relation`). */
export function edgeKey(object: number, relation: number): number {
  return object * RELATION_SLOTS + relation;
}

/** The object of an edge key (of a userset: the object it names, `group:eng`). */
export function keyObject(key: number): number {
  return Math.floor(key / RELATION_SLOTS);
}

/** The relation slot of an edge key (of a userset: the relation it names, `member`). */
export function keyRelation(key: number): number {
  return key - Math.floor(key / RELATION_SLOTS) * RELATION_SLOTS;
}

/** The parent key of the userset `userset` (an edge key) named in `relation`. */
export function parentKey(userset: number, relation: number): number {
  return userset * RELATION_SLOTS + relation;
}

/** The step key of member `memberId` on `object`. */
export function stepKey(object: number, memberId: number): number {
  return object * MEMBER_SLOTS + memberId;
}

/** An object's entry in a two-sided RelationEdges: `[slot, direct, usersets, …]`. */
export type RelationEntry = readonly (number | SubjectList | undefined)[];

/** Where in an entry's triple a relation's plain subjects are, after its slot. */
export const DIRECT_SIDE = 1;
/** Where in an entry's triple a relation's userset subjects are. */
export const USERSETS_SIDE = 2;
/** Numbers per relation in a two-sided entry: the slot and both sides. */
const TRIPLE = 3;

/**
 * Where relation `slot` starts in an object's entry, or -1 when the object has none of it. A few
 * relations per object: a scan.
 */
export function relationAt(entry: RelationEntry | undefined, slot: number): number {
  if (entry === undefined) return -1;
  for (let at = 0; at < entry.length; at += TRIPLE) if (entry[at] === slot) return at;
  return -1;
}

/** The plain subjects of the relation at `at` (from `relationAt`) in an entry. */
export function directAt(entry: RelationEntry, at: number): SubjectList | undefined {
  return entry[at + DIRECT_SIDE] as SubjectList | undefined;
}

/** The userset subjects (edge keys) of the relation at `at` in an entry. */
export function usersetsAt(entry: RelationEntry, at: number): SubjectList | undefined {
  return entry[at + USERSETS_SIDE] as SubjectList | undefined;
}

/** Both sides of relation `slot` in an entry, for the walks off the check path (allocates). */
export function sidesOf(
  entry: RelationEntry | undefined,
  slot: number,
): [SubjectList | undefined, SubjectList | undefined] {
  const at = relationAt(entry, slot);
  if (entry === undefined || at < 0) return [undefined, undefined];
  return [directAt(entry, at), usersetsAt(entry, at)];
}
