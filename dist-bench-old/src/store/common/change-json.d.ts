import type { ChangeRecord, ChangeSpec } from "../change-records.js";
/**
 * The JSON columns of `changes`. Relationships are stored in tuple syntax
 * (`document:a#viewer@group:eng#member`) rather than as nested objects, so that the JSON reads
 * like the change file a person wrote and stays small.
 */
type Applied = NonNullable<ChangeRecord["applied"]>;
/**
 * Checks a spec and returns its JSON. Every relationship must read back as written, so each is
 * put through the tuple parser here, once, instead of failing later when the change is read.
 */
export declare function specToJson(spec: ChangeSpec): string;
export declare function specFromJson(text: string): ChangeSpec;
export declare function appliedToJson(applied: Applied): string;
export declare function appliedFromJson(text: string): Applied;
export {};
