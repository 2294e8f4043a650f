import { type Place } from "../model/errors.js";
import { type ObjectRef, type Relationship, type SubjectRef } from "../model/relationship.js";
/** A position in a file: 1-based line and column. */
export interface Position {
    readonly line: number;
    readonly column: number;
}
export interface ValidationSchema {
    /** The schema text, as YAML delivers it (indentation of the block removed). */
    readonly text: string;
    /** The file the text comes from: the validation file itself, or the `schemaFile`. */
    readonly file: string | undefined;
    /** Where the first line of `text` is in `file`. */
    readonly line: number;
    readonly column: number;
    /**
     * Where each line of `text` starts in `file` (`positions[i]` is text line `i + 1`). A schema
     * error at text line `l`, column `c` is in the file at `positions[l - 1].line`, column
     * `positions[l - 1].column + c - 1`. Exact for literal blocks (`|`); for folded blocks (`>`),
     * which join lines, each text line maps to the file line it starts on.
     */
    readonly positions: readonly Position[];
}
/** A tuple (a relationship, or a check in an assertion) and where it was written. */
export interface LocatedRelationship extends Position {
    readonly relationship: Relationship;
}
/** A resource and relation named in a validation string: `<document:first#writer>`. */
export interface ObjectAndRelation {
    readonly resource: ObjectRef;
    readonly relation: string;
}
export interface ExpectedSubject extends Position {
    /** `user:tom`, `user:*`, `group:eng#member` */
    readonly subject: SubjectRef;
    /** For a wildcard, the subjects taken out of it: `[user:* - {user:bob, user:sue}]`. */
    readonly excluded: readonly SubjectRef[];
    /** The `<resource#relation>` paths through which the subject is found; may be empty. */
    readonly resources: readonly ObjectAndRelation[];
}
/** One key of the `validation` map: every subject that `resource#permission` must have. */
export interface ExpectedRelations extends Position {
    readonly resource: ObjectRef;
    readonly permission: string;
    readonly subjects: readonly ExpectedSubject[];
}
export interface ValidationFile {
    /** The file name given to the parser, if any; every error names it. */
    readonly file: string | undefined;
    readonly schema: ValidationSchema;
    readonly relationships: readonly LocatedRelationship[];
    readonly assertTrue: readonly LocatedRelationship[];
    readonly assertFalse: readonly LocatedRelationship[];
    readonly validation: readonly ExpectedRelations[];
}
export interface ParseValidationFileOptions {
    /** Reads a `schemaFile`; defaults to the file system. Tests pass a map. */
    readonly readFile?: (path: string) => string;
}
/** Reads and parses a validation file from disk. */
export declare function loadValidationFile(path: string, options?: ParseValidationFileOptions): ValidationFile;
/**
 * Parses the text of a validation file. `file` names the file in errors and is the base for a
 * relative `schemaFile`. Throws one `GatehouseError("input")` listing every problem found.
 */
export declare function parseValidationFile(text: string, file?: string, options?: ParseValidationFileOptions): ValidationFile;
/** `document:first#writer` */
export declare function parseObjectAndRelation(text: string, place?: Place, relationWord?: string): ObjectAndRelation;
/**
 * Parses an expected-relations string: `[user:tom] is <document:first#writer>/<document:first#reader>`,
 * `[user:*] is <...>`, `[user:* - {user:bob, user:sue}] is <...>`, `[group:eng#member] is <...>`.
 */
export declare function parseExpectedSubject(text: string, place?: Place): {
    subject: SubjectRef;
    excluded: SubjectRef[];
    resources: ObjectAndRelation[];
};
