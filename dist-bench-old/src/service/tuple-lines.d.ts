import { type Relationship } from "../model/relationship.js";
export interface NumberedRelationship {
    readonly relationship: Relationship;
    /** 1-based line in the input */
    readonly line: number;
}
/**
 * Reads one tuple a line (`resource#relation@subject`), skipping blank lines and `//` comments.
 * Every malformed line is reported with its line and column; nothing is returned unless all parse.
 */
export declare function parseTupleLines(text: string, file: string | undefined, relationWord?: string): NumberedRelationship[];
