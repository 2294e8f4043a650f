import type { CompiledSchema } from "../schema/compiled.js";
import type { Gatehouse } from "../service/gatehouse.js";
import type { RelationshipFilter } from "../service/records.js";
import type { ErrorInfo } from "./error-info.js";
import { SpicedbError } from "./status.js";

/**
 * The names a request gives (a type, a relation or permission on it, a subject type and
 * relation), held to the schema as SpiceDB holds them: one the schema lacks is
 * FAILED_PRECONDITION with SpiceDB's ErrorInfo (ERROR_REASON_UNKNOWN_DEFINITION or
 * ERROR_REASON_UNKNOWN_RELATION_OR_PERMISSION, naming them in its metadata).
 */
export interface Names {
  readonly resourceType?: string | undefined;
  readonly relation?: string | undefined;
  readonly subjectType?: string | undefined;
  /** `null` or `undefined`: the subject itself. */
  readonly subjectRelation?: string | null | undefined;
}

function unknownIn(schema: CompiledSchema | undefined, names: Names, path: string): SpicedbError | undefined {
  const type = (name: string) => schema?.typesByName.get(name);
  const definition = (name: string, where: string) =>
    new SpicedbError(
      "FAILED_PRECONDITION",
      `\`${where}\`: object definition \`${name}\` not found`,
      undefined,
      {
        reason: "ERROR_REASON_UNKNOWN_DEFINITION",
        metadata: { definition_name: name },
      } satisfies ErrorInfo,
    );
  const member = (on: string, name: string, where: string) =>
    new SpicedbError(
      "FAILED_PRECONDITION",
      `\`${where}\`: relation/permission \`${name}\` not found under definition \`${on}\``,
      undefined,
      {
        reason: "ERROR_REASON_UNKNOWN_RELATION_OR_PERMISSION",
        metadata: { definition_name: on, relation_or_permission_name: name },
      } satisfies ErrorInfo,
    );
  if (names.resourceType !== undefined) {
    const resource = type(names.resourceType);
    if (!resource) return definition(names.resourceType, `${path}resource_type`);
    if (names.relation !== undefined && !resource.members.has(names.relation))
      return member(names.resourceType, names.relation, `${path}relation`);
  }
  if (names.subjectType !== undefined) {
    const subject = type(names.subjectType);
    if (!subject) return definition(names.subjectType, `${path}subject_type`);
    if (typeof names.subjectRelation === "string" && !subject.members.has(names.subjectRelation))
      return member(names.subjectType, names.subjectRelation, `${path}subject_relation`);
  }
  return undefined;
}

/**
 * The first name the schema lacks, as SpiceDB's error, or `undefined`. The schema this process
 * holds is looked at first; only a name it lacks costs a catch-up with the store (a schema
 * written through another process a moment ago is not refused).
 */
export async function unknownName(
  gatehouse: Gatehouse,
  names: Names,
  path = "",
): Promise<SpicedbError | undefined> {
  if (unknownIn(gatehouse.engine.schema, names, path) === undefined) return undefined;
  await gatehouse.catchUp();
  return unknownIn(gatehouse.engine.schema, names, path);
}

/** Refuses a relationship filter naming what the schema lacks (a read or delete of a typo answered "nothing"). */
export async function checkFilterNames(
  gatehouse: Gatehouse,
  f: RelationshipFilter,
  path: string,
): Promise<void> {
  const error = await unknownName(
    gatehouse,
    {
      resourceType: f.resourceType,
      relation: f.relation,
      subjectType: f.subjectType,
      subjectRelation: f.subjectRelation,
    },
    `${path}.`,
  );
  if (error) throw error;
}
