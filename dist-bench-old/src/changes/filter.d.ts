import type { YAMLMap } from "yaml";
import type { RelationshipFilter } from "../store/store.js";
import type { YamlSource } from "./yaml-source.js";
/**
 * A `delete_where` filter: `{ resource_type, resource_id, relation, subject }` where `subject`
 * is a subject in tuple syntax (`group:old#member`, `user:ann`, `user:*`), or the subject parts
 * as separate keys. At least a resource type is required, so that no filter deletes a tenant.
 */
export declare function parseFilter(source: YamlSource, map: YAMLMap): RelationshipFilter;
