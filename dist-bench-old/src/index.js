/**
 * Gatehouse's public library API, chosen by hand: what an application embedding Gatehouse
 * needs, and nothing internal.
 */
export { incidentMarkdown } from "./changes/incident-markdown.js";
export { GatehouseError } from "./model/errors.js";
export { DEFAULT_TENANT } from "./model/names.js";
export { formatRelationship, formatSubject, parseObject, parseRelationship, parseSubject, } from "./model/relationship.js";
export { formatSchema, parseSchema } from "./schema/schema.js";
export { Gatehouse } from "./service/gatehouse.js";
export { runValidationFile } from "./service/validate.js";
export { loadValidationFile, parseValidationFile } from "./service/validation-file.js";
//# sourceMappingURL=index.js.map