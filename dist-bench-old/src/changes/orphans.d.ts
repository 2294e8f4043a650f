import type { CompiledSchema } from "../schema/compiled.js";
import type { RelationshipShape } from "../store/store.js";
/**
 * The kinds of live relationship a schema would no longer allow. A schema that orphans data is
 * refused (as SpiceDB refuses it): the data would silently stop granting access.
 */
export declare function orphanedShapes(schema: CompiledSchema, shapes: readonly RelationshipShape[]): string[];
