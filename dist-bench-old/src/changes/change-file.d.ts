import type { ChangeSpec, Intent } from "../store/change-records.js";
import { YamlSource } from "./yaml-source.js";
export declare const PROPOSABLE_INTENTS: readonly Intent[];
export interface ChangeFile {
    readonly tenant: string | undefined;
    readonly intent: Intent;
    readonly reason: string;
    readonly spec: ChangeSpec;
    /** Where each explicit write and delete was written, to place later complaints (schema, existence). */
    readonly places: {
        readonly writes: ReturnType<YamlSource["placeOf"]>[];
        readonly deletes: ReturnType<YamlSource["placeOf"]>[];
    };
}
/**
 * Reads a change file (YAML). Every problem is reported with its line and column: unknown keys,
 * a missing intent or reason, malformed tuples or filters. Schema-level checks (types, relations,
 * that deletes exist) happen when the change is proposed against the store.
 */
export declare function parseChangeFile(text: string, file?: string): ChangeFile;
