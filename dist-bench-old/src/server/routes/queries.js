import { Type } from "@sinclair/typebox";
import { formatSubject, parseObject, parseSubject } from "../../model/relationship.js";
import { pathTenant } from "../auth.js";
import { CheckBody, CheckItem, Consistency, errorResponses, Loose, MAX_BATCH, Name, ObjectText, SubjectText, TenantParams, } from "../schemas.js";
import { SchemaAnswerType } from "./rollout.js";
function checkRequest(item, field) {
    return {
        resource: parseObject(item.resource, { field: `${field}resource` }, "resource"),
        permission: item.permission,
        subject: parseSubject(item.subject, { field: `${field}subject` }),
    };
}
/** Checks and lookups: the hot path, read-only, role `check`. */
export function registerQueries(app, gatehouse, metrics) {
    const access = { role: "check", tenant: pathTenant };
    app.post("/v1/tenants/:tenant/check", {
        config: { access },
        schema: {
            summary: "Check a permission",
            tags: ["queries"],
            params: TenantParams,
            body: CheckBody,
            response: {
                200: Type.Object({
                    allowed: Type.Boolean(),
                    revision: Type.Integer(),
                    schema: SchemaAnswerType,
                    explain: Type.Optional(Loose),
                }),
                ...errorResponses,
            },
        },
    }, async (request) => {
        const { tenant } = request.params;
        const body = request.body;
        const check = checkRequest(body, "");
        const consistency = { atLeastRevision: body.atLeastRevision };
        const { allowed, revision, schema } = await gatehouse.check(tenant, check, consistency);
        metrics.countChecks([allowed]);
        if (!body.explain)
            return { allowed, revision, schema };
        const { tree } = await gatehouse.explain(tenant, check, consistency);
        return { allowed, revision, schema, explain: tree };
    });
    app.post("/v1/tenants/:tenant/checks", {
        config: { access },
        schema: {
            summary: "Check many permissions at one revision",
            tags: ["queries"],
            params: TenantParams,
            body: Type.Object({ checks: Type.Array(CheckItem, { maxItems: MAX_BATCH }), ...Consistency }, { additionalProperties: false }),
            response: {
                200: Type.Object({
                    results: Type.Array(Type.Boolean()),
                    revision: Type.Integer(),
                    schema: SchemaAnswerType,
                }),
                ...errorResponses,
            },
        },
    }, async (request) => {
        const requests = request.body.checks.map((c, i) => checkRequest(c, `checks[${i}].`));
        const result = await gatehouse.checkBatch(request.params.tenant, requests, {
            atLeastRevision: request.body.atLeastRevision,
            placeOf: (i) => ({ field: `checks[${i}]` }),
        });
        metrics.countChecks(result.results);
        return result;
    });
    app.post("/v1/tenants/:tenant/explain", {
        config: { access },
        schema: {
            summary: "Explain why a subject has, or has not, a permission",
            tags: ["queries"],
            params: TenantParams,
            body: Type.Object({ resource: ObjectText, permission: Name, subject: SubjectText, ...Consistency }, { additionalProperties: false }),
            response: {
                200: Type.Object({
                    allowed: Type.Boolean(),
                    revision: Type.Integer(),
                    schema: SchemaAnswerType,
                    explain: Loose,
                }),
                ...errorResponses,
            },
        },
    }, async (request) => {
        const { tree, revision, schema } = await gatehouse.explain(request.params.tenant, checkRequest(request.body, ""), { atLeastRevision: request.body.atLeastRevision });
        return { allowed: tree.result, revision, schema, explain: tree };
    });
    app.post("/v1/tenants/:tenant/lookup-resources", {
        config: { access },
        schema: {
            summary: "The resources of a type on which a subject has a permission",
            tags: ["queries"],
            params: TenantParams,
            body: Type.Object({
                resourceType: Type.String({ minLength: 1, maxLength: 200 }),
                permission: Name,
                subject: SubjectText,
                ...Consistency,
            }, { additionalProperties: false }),
            response: {
                200: Type.Object({
                    resources: Type.Array(Type.String()),
                    revision: Type.Integer(),
                    schema: SchemaAnswerType,
                }),
                ...errorResponses,
            },
        },
    }, async (request) => {
        const body = request.body;
        const { resources, revision, schema } = await gatehouse.lookupResources(request.params.tenant, body.resourceType, body.permission, parseSubject(body.subject, { field: "subject" }), { atLeastRevision: body.atLeastRevision });
        return { resources: resources.map((r) => `${r.type}:${r.id}`), revision, schema };
    });
    app.post("/v1/tenants/:tenant/lookup-subjects", {
        config: { access },
        schema: {
            summary: "The subjects of a type that have a permission on a resource",
            tags: ["queries"],
            params: TenantParams,
            body: Type.Object({
                resource: ObjectText,
                permission: Name,
                subjectType: Type.String({ minLength: 1, maxLength: 200 }),
                subjectRelation: Type.Optional(Name),
                ...Consistency,
            }, { additionalProperties: false }),
            response: {
                200: Type.Object({
                    subjects: Type.Array(Type.Object({ subject: Type.String(), excluded: Type.Array(Type.String()) })),
                    revision: Type.Integer(),
                    schema: SchemaAnswerType,
                }),
                ...errorResponses,
            },
        },
    }, async (request) => {
        const body = request.body;
        const { subjects, revision, schema } = await gatehouse.lookupSubjects(request.params.tenant, parseObject(body.resource, { field: "resource" }, "resource"), body.permission, body.subjectType, body.subjectRelation, { atLeastRevision: body.atLeastRevision });
        return {
            subjects: subjects.map((s) => ({
                subject: formatSubject(s.subject),
                excluded: s.excluded.map(formatSubject),
            })),
            revision,
            schema,
        };
    });
}
//# sourceMappingURL=queries.js.map