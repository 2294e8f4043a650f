import { GatehouseError } from "../model/errors.js";
import { RELATION_NAME, TYPE_NAME } from "../model/names.js";
import { parseObject, parseSubject } from "../model/relationship.js";
import type { RelationshipFilter } from "../store/store.js";

/**
 * zed's positional filter: `TYPE[:ID] [RELATION] [SUBJECT_TYPE[:ID[#RELATION]]]`. Every part is
 * checked as strictly as a relationship's (a filter of a name no schema can hold is a mistake,
 * not an empty answer), and a refusal names the part.
 */
export function parseFilter(resource?: string, relation?: string, subject?: string): RelationshipFilter {
  const filter: { -readonly [K in keyof RelationshipFilter]: RelationshipFilter[K] } = {};
  if (resource !== undefined) {
    if (resource.includes(":")) {
      const object = parseObject(resource, { field: "resource" }, "resource");
      filter.resourceType = object.type;
      filter.resourceId = object.id;
    } else filter.resourceType = checkName(resource, TYPE_NAME, "resource", "type");
  }
  if (relation !== undefined && relation !== "")
    filter.relation = checkName(relation, RELATION_NAME, "relation", "relation");
  if (subject !== undefined) {
    if (subject.includes(":")) {
      const ref = parseSubject(subject, { field: "subject" });
      filter.subjectType = ref.type;
      filter.subjectId = ref.id;
      if (subject.includes("#")) filter.subjectRelation = ref.relation ?? null;
    } else if (subject.includes("#")) {
      throw new GatehouseError(
        "usage",
        `subject filter \`${subject}\`: a subject relation needs an id (type:id#relation)`,
        { field: "subject" },
      );
    } else filter.subjectType = checkName(subject, TYPE_NAME, "subject", "type");
  }
  return filter;
}

function checkName(text: string, pattern: RegExp, field: string, what: string): string {
  if (pattern.test(text)) return text;
  throw new GatehouseError(
    "usage",
    `${field} filter \`${text}\`: expected a ${what} name (lowercase letters, digits and \`_\`, 3 to 64 characters${what === "type" ? ", optionally prefixed like `app/user`" : ""})`,
    { field },
  );
}
