import type { RelationshipFilter } from "../store/store.js";
/** zed's positional filter: `TYPE[:ID] [RELATION] [SUBJECT_TYPE[:ID[#RELATION]]]`. */
export declare function parseFilter(resource?: string, relation?: string, subject?: string): RelationshipFilter;
