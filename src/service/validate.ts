import type { CheckAnswer, Permissionship } from "../engine/check-answer.js";
import { Engine } from "../engine/engine.js";
import { GatehouseError, type Place } from "../model/errors.js";
import { formatRelationship, formatSubject, type SubjectRef } from "../model/relationship.js";
import type { CompiledSchema } from "../schema/compiled.js";
import { compileSchema } from "../schema/schema.js";
import { validateRelationship } from "../schema/validate-relationship.js";
import type { ValidationFile } from "./validation-file.js";

export interface ValidationFailure {
  readonly file: string | undefined;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export interface ValidationReport {
  readonly file: string | undefined;
  /** How many assertions and expected subjects were evaluated. */
  readonly checked: number;
  readonly failures: readonly ValidationFailure[];
}

const TENANT = "default";

/**
 * Runs a SpiceDB validation file in memory: its schema and relationships, then every assertion
 * and expected relation. A broken schema or relationship is bad input (thrown, with the place in
 * the YAML file); an assertion that does not hold is a failure in the report.
 */
export function runValidationFile(file: ValidationFile): ValidationReport {
  const schema = compileInFile(file);
  const engine = new Engine(schema);
  const relationships = file.relationships.map((r) => {
    validateRelationship(schema, r.relationship, { file: file.file, line: r.line, column: r.column });
    return r.relationship;
  });
  engine.tenant(TENANT).apply(relationships, []);

  const failures: ValidationFailure[] = [];
  let checked = 0;
  const fail = (at: { line: number; column: number }, message: string) =>
    failures.push({ file: file.file, line: at.line, column: at.column, message });

  for (const [list, expected, name] of [
    [file.assertTrue, "has_permission", "assertTrue"],
    [file.assertCaveated, "conditional", "assertCaveated"],
    [file.assertFalse, "no_permission", "assertFalse"],
  ] as const) {
    for (const assertion of list) {
      checked++;
      const r = assertion.relationship;
      const text = `${formatRelationship(r)}${assertion.context ? ` with ${JSON.stringify(assertion.context)}` : ""}`;
      try {
        const answer = engine.checkAnswer(TENANT, {
          resource: r.resource,
          permission: r.relation,
          subject: r.subject,
          context: assertion.context,
        });
        if (answer.permissionship !== expected)
          fail(assertion, `${name} failed: \`${text}\` is ${describeAnswer(answer)}`);
      } catch (error) {
        if (!(error instanceof GatehouseError)) throw error;
        fail(assertion, `\`${text}\` could not be checked: ${error.message}`);
      }
    }
  }

  for (const expectation of file.validation) {
    const where = `${expectation.resource.type}:${expectation.resource.id}#${expectation.permission}`;
    const listed = new Set(expectation.subjects.map((s) => formatSubject(s.subject)));
    for (const expected of expectation.subjects) {
      checked++;
      const found = holds(
        engine,
        expectation.resource,
        expectation.permission,
        expected.subject,
        expected.excluded,
      );
      const wanted = expected.caveated === true ? "conditional" : "has_permission";
      if (found !== wanted) {
        fail(
          expected,
          `expected \`${formatSubject(expected.subject)}\` to have \`${where}\`${wanted === "conditional" ? " conditionally (under a caveat)" : ""}, but it ${found === "no_permission" ? "does not" : found === "conditional" ? "has it only conditionally" : "has it without condition"}`,
        );
      }
    }
    // Every concrete subject that has the permission must be listed: an expected-relations block
    // is the complete answer.
    const subjectTypes = new Set(schema.types.map((t) => t.name));
    for (const type of subjectTypes) {
      const all = engine.lookupSubjects(
        TENANT,
        expectation.resource,
        expectation.permission,
        type,
        undefined,
        schema,
        {
          conditional: true,
        },
      );
      for (const found of all) {
        const name = formatSubject(found.subject);
        if (!listed.has(name))
          fail(expectation, `\`${name}\` has \`${where}\` but is not listed in the expected subjects`);
      }
    }
  }
  return { file: file.file, checked, failures };
}

function describeAnswer(answer: CheckAnswer): string {
  if (answer.permissionship === "conditional")
    return `conditional (missing context: ${answer.missing.map((m) => `\`${m}\``).join(", ")})`;
  return answer.permissionship === "has_permission" ? "true" : "false";
}

/** How `subject` (a wildcard: with exactly `excluded` left out) has the permission. */
function holds(
  engine: Engine,
  resource: { type: string; id: string },
  permission: string,
  subject: SubjectRef,
  excluded: readonly SubjectRef[],
): Permissionship {
  if (subject.id !== "*") return engine.checkAnswer(TENANT, { resource, permission, subject }).permissionship;
  const found = engine
    .lookupSubjects(TENANT, resource, permission, subject.type, undefined, undefined, { conditional: true })
    .find((s) => s.subject.id === "*");
  if (!found) return "no_permission";
  const actual = new Set(found.excluded.map(formatSubject));
  const exact = excluded.every((e) => actual.has(formatSubject(e))) && actual.size === excluded.length;
  if (!exact) return "no_permission";
  return found.conditional ? "conditional" : "has_permission";
}

/** Compiles the schema, moving any error's position from the schema text to the YAML file. */
function compileInFile(file: ValidationFile): CompiledSchema {
  try {
    return compileSchema(file.schema.text);
  } catch (error) {
    if (!(error instanceof GatehouseError)) throw error;
    const move = (e: GatehouseError): GatehouseError =>
      new GatehouseError(e.kind, e.message, moved(e.place, file), e.details.map(move), e.facts, e.reason);
    throw move(error);
  }
}

function moved(place: Place | undefined, file: ValidationFile): Place | undefined {
  if (place?.line === undefined) return { ...place, file: file.schema.file };
  const start = file.schema.positions[place.line - 1];
  if (!start) return { ...place, file: file.schema.file };
  return {
    ...place,
    file: file.schema.file,
    line: start.line,
    column: start.column + (place.column ?? 1) - 1,
  };
}
