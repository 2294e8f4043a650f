import type { SubjectList } from "./data-index.js";
/**
 * object → subject list, in an array indexed by the object's dense number: the reverse index
 * (subject → the edges that name it) is read once per new subject on the check path, and an
 * array slot is one load where a `Map` of every object would hash and probe.
 */
export declare class ObjectLists {
    #private;
    get(object: number): SubjectList | undefined;
    set(object: number, list: SubjectList): void;
    delete(object: number): void;
}
