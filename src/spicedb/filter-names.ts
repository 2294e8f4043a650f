import type { CompiledSchema } from "../schema/compiled.js";
import type { Gatehouse } from "../service/gatehouse.js";
import type { RelationshipFilter } from "../service/records.js";
import { SpicedbError } from "./status.js";

/**
 * The names a relationship filter gives, held to the schema as SpiceDB holds them: a type, a
 * relation or a subject relation the schema lacks is FAILED_PRECONDITION (before, a read or a
 * delete of a misspelt name answered "nothing", and a client never learnt of the typo).
 */
function unknownIn(
  schema: CompiledSchema | undefined,
  f: RelationshipFilter,
  path: string,
): string | undefined {
  const type = (name: string) => schema?.typesByName.get(name);
  if (f.resourceType !== undefined) {
    const resource = type(f.resourceType);
    if (!resource) return `\`${path}.resource_type\`: object definition \`${f.resourceType}\` not found`;
    if (f.relation !== undefined && !resource.members.has(f.relation))
      return `\`${path}.optional_relation\`: relation/permission \`${f.relation}\` not found under definition \`${f.resourceType}\``;
  }
  if (f.subjectType !== undefined) {
    const subject = type(f.subjectType);
    if (!subject)
      return `\`${path}.optional_subject_filter.subject_type\`: object definition \`${f.subjectType}\` not found`;
    if (typeof f.subjectRelation === "string" && !subject.members.has(f.subjectRelation))
      return `\`${path}.optional_subject_filter.optional_relation\`: relation/permission \`${f.subjectRelation}\` not found under definition \`${f.subjectType}\``;
  }
  return undefined;
}

/**
 * Refuses a filter naming what the schema lacks. The schema this process holds is looked at
 * first; only a name it lacks costs a catch-up with the store (a schema written through another
 * process a moment ago is not refused).
 */
export async function checkFilterNames(
  gatehouse: Gatehouse,
  f: RelationshipFilter,
  path: string,
): Promise<void> {
  if (unknownIn(gatehouse.engine.schema, f, path) === undefined) return;
  await gatehouse.catchUp();
  const unknown = unknownIn(gatehouse.engine.schema, f, path);
  if (unknown !== undefined) throw new SpicedbError("FAILED_PRECONDITION", unknown);
}
