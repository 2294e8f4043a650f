import { GatehouseError } from "../../model/errors.js";
import { RELATION_NAME } from "../../model/names.js";
import { formatSubject, parseObject, parseSubject } from "../../model/relationship.js";
import { parseTupleLines } from "../../service/tuple-lines.js";
import { contextOf, parseRevision, readInput, withGatehouse } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { formatExplain } from "../output.js";
function permissionName(text) {
    if (!RELATION_NAME.test(text)) {
        throw new GatehouseError("input", `invalid permission name \`${text}\`: expected lowercase letters, digits and \`_\`, 3 to 64 characters`);
    }
    return text;
}
export function registerPermission(program, globals) {
    const permission = program.command("permission").description("check permissions and look up who has them");
    permission
        .command("check")
        .argument("[resource]", "resource, e.g. document:readme")
        .argument("[permission]", "permission or relation, e.g. view")
        .argument("[subject]", "subject, e.g. user:ann or group:eng#member")
        .option("--explain", "print why the answer is what it is")
        .option("--batch <file>", "check one resource#permission@subject a line (- for standard input); prints true or false a line")
        .option("--at-least <revision>", "answer at this revision or newer")
        .option("--fail-on-deny", "exit 1 when any answer is false")
        .description("check whether a subject has a permission on a resource")
        .action(async (resource, name, subject, options) => {
        const context = contextOf(globals());
        const atLeastRevision = parseRevision(options.atLeast, "--at-least");
        if (options.batch !== undefined) {
            if (resource !== undefined)
                throw new GatehouseError("usage", "--batch reads its checks from the file; give no RESOURCE PERMISSION SUBJECT");
            const input = readInput(options.batch);
            const lines = parseTupleLines(input.text, input.file, "permission");
            const requests = lines.map(({ relationship: r }) => ({
                resource: r.resource,
                permission: r.relation,
                subject: r.subject,
            }));
            const { results, revision, schema } = await withGatehouse(context, (g) => g.checkBatch(context.tenant, requests, {
                atLeastRevision,
                placeOf: (i) => ({ file: input.file, line: lines[i].line }),
            }));
            context.out.result(() => results.map(String).join("\n"), { results, revision, schema });
            if (options.failOnDeny && results.includes(false))
                process.exitCode = EXIT.negative;
            return;
        }
        if (resource === undefined || name === undefined || subject === undefined) {
            throw new GatehouseError("usage", "permission check needs RESOURCE PERMISSION SUBJECT (or --batch FILE)");
        }
        const request = {
            resource: parseObject(resource, { field: "resource" }, "resource"),
            permission: permissionName(name),
            subject: parseSubject(subject, { field: "subject" }),
        };
        const { allowed, revision, schema, tree } = await withGatehouse(context, async (g) => {
            const answer = await g.check(context.tenant, request, { atLeastRevision });
            const explained = options.explain
                ? (await g.explain(context.tenant, request, { atLeastRevision })).tree
                : undefined;
            return { ...answer, tree: explained };
        });
        context.out.result(() => (tree ? `${allowed}\n${formatExplain(tree)}` : String(allowed)), {
            allowed,
            revision,
            schema,
            ...(tree ? { explain: tree } : {}),
        });
        if (options.failOnDeny && !allowed)
            process.exitCode = EXIT.negative;
    });
    permission
        .command("lookup-resources")
        .argument("<type>", "resource type, e.g. document")
        .argument("<permission>", "permission, e.g. view")
        .argument("<subject>", "subject, e.g. user:ann")
        .option("--at-least <revision>", "answer at this revision or newer")
        .description("list the resources of a type on which the subject has the permission")
        .action(async (type, name, subject, options) => {
        const context = contextOf(globals());
        const ref = parseSubject(subject, { field: "subject" });
        const atLeastRevision = parseRevision(options.atLeast, "--at-least");
        const { resources, revision, schema } = await withGatehouse(context, (g) => g.lookupResources(context.tenant, type, permissionName(name), ref, { atLeastRevision }));
        context.out.result(() => resources.map((r) => `${r.type}:${r.id}`).join("\n"), {
            resources: resources.map((r) => `${r.type}:${r.id}`),
            revision,
            schema,
        });
    });
    permission
        .command("lookup-subjects")
        .argument("<resource>", "resource, e.g. document:readme")
        .argument("<permission>", "permission, e.g. view")
        .argument("<subject-type>", "subject type, e.g. user, or group#member for usersets")
        .option("--at-least <revision>", "answer at this revision or newer")
        .description("list the subjects of a type that have the permission on the resource")
        .action(async (resource, name, subjectType, options) => {
        const context = contextOf(globals());
        const object = parseObject(resource, { field: "resource" }, "resource");
        const [type, relation] = subjectType.split("#");
        const atLeastRevision = parseRevision(options.atLeast, "--at-least");
        const { subjects, revision, schema } = await withGatehouse(context, (g) => g.lookupSubjects(context.tenant, object, permissionName(name), type, relation, { atLeastRevision }));
        context.out.result(() => subjects
            .map((s) => s.excluded.length > 0
            ? `${formatSubject(s.subject)} (except ${s.excluded.map(formatSubject).join(", ")})`
            : formatSubject(s.subject))
            .join("\n"), {
            subjects: subjects.map((s) => ({
                subject: formatSubject(s.subject),
                excluded: s.excluded.map(formatSubject),
            })),
            revision,
            schema,
        });
    });
}
//# sourceMappingURL=permission.js.map