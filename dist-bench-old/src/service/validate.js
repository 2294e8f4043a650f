import { Engine } from "../engine/engine.js";
import { GatehouseError } from "../model/errors.js";
import { formatRelationship, formatSubject } from "../model/relationship.js";
import { compileSchema } from "../schema/schema.js";
import { validateRelationship } from "../schema/validate-relationship.js";
const TENANT = "default";
/**
 * Runs a SpiceDB validation file in memory: its schema and relationships, then every assertion
 * and expected relation. A broken schema or relationship is bad input (thrown, with the place in
 * the YAML file); an assertion that does not hold is a failure in the report.
 */
export function runValidationFile(file) {
    const schema = compileInFile(file);
    const engine = new Engine(schema);
    const relationships = file.relationships.map((r) => {
        validateRelationship(schema, r.relationship, { file: file.file, line: r.line, column: r.column });
        return r.relationship;
    });
    engine.tenant(TENANT).apply(relationships, []);
    const failures = [];
    let checked = 0;
    const fail = (at, message) => failures.push({ file: file.file, line: at.line, column: at.column, message });
    for (const [list, expected] of [
        [file.assertTrue, true],
        [file.assertFalse, false],
    ]) {
        for (const assertion of list) {
            checked++;
            const r = assertion.relationship;
            const text = formatRelationship(r);
            try {
                const allowed = engine.check(TENANT, {
                    resource: r.resource,
                    permission: r.relation,
                    subject: r.subject,
                });
                if (allowed !== expected)
                    fail(assertion, `${expected ? "assertTrue" : "assertFalse"} failed: \`${text}\` is ${allowed}`);
            }
            catch (error) {
                if (!(error instanceof GatehouseError))
                    throw error;
                fail(assertion, `\`${text}\` could not be checked: ${error.message}`);
            }
        }
    }
    for (const expectation of file.validation) {
        const where = `${expectation.resource.type}:${expectation.resource.id}#${expectation.permission}`;
        const listed = new Set(expectation.subjects.map((s) => formatSubject(s.subject)));
        for (const expected of expectation.subjects) {
            checked++;
            if (!holds(engine, expectation.resource, expectation.permission, expected.subject, expected.excluded)) {
                fail(expected, `expected \`${formatSubject(expected.subject)}\` to have \`${where}\`, but it does not`);
            }
        }
        // Every concrete subject that has the permission must be listed: an expected-relations block
        // is the complete answer.
        const subjectTypes = new Set(schema.types.map((t) => t.name));
        for (const type of subjectTypes) {
            for (const found of engine.lookupSubjects(TENANT, expectation.resource, expectation.permission, type)) {
                const name = formatSubject(found.subject);
                if (!listed.has(name))
                    fail(expectation, `\`${name}\` has \`${where}\` but is not listed in the expected subjects`);
            }
        }
    }
    return { file: file.file, checked, failures };
}
function holds(engine, resource, permission, subject, excluded) {
    if (subject.id !== "*")
        return engine.check(TENANT, { resource, permission, subject });
    const found = engine
        .lookupSubjects(TENANT, resource, permission, subject.type)
        .find((s) => s.subject.id === "*");
    if (!found)
        return false;
    const actual = new Set(found.excluded.map(formatSubject));
    return excluded.every((e) => actual.has(formatSubject(e))) && actual.size === excluded.length;
}
/** Compiles the schema, moving any error's position from the schema text to the YAML file. */
function compileInFile(file) {
    try {
        return compileSchema(file.schema.text);
    }
    catch (error) {
        if (!(error instanceof GatehouseError))
            throw error;
        const move = (e) => new GatehouseError(e.kind, e.message, moved(e.place, file), e.details.map(move));
        throw move(error);
    }
}
function moved(place, file) {
    if (place?.line === undefined)
        return { ...place, file: file.schema.file };
    const start = file.schema.positions[place.line - 1];
    if (!start)
        return { ...place, file: file.schema.file };
    return {
        ...place,
        file: file.schema.file,
        line: start.line,
        column: start.column + (place.column ?? 1) - 1,
    };
}
//# sourceMappingURL=validate.js.map