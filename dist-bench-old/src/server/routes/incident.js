import { Type } from "@sinclair/typebox";
import { HttpError } from "../http-errors.js";
import { errorResponses, Loose } from "../schemas.js";
/**
 * The incident report. Store-wide and `approve`: a change (a model change above all) can move
 * access in every tenant, and the report names who used what, in all of them.
 */
export function registerIncident(app, gatehouse) {
    app.get("/v1/incident-report", {
        config: { access: { role: "approve", tenant: "store" } },
        schema: {
            summary: "Who gained and who lost access through a change (or between two revisions), per tenant, and which of those accesses were used or denied while it was live",
            tags: ["changes"],
            querystring: Type.Object({
                change: Type.Optional(Type.Integer({ minimum: 1, description: "an applied or reverted change" })),
                fromRevision: Type.Optional(Type.Integer({ minimum: 0 })),
                toRevision: Type.Optional(Type.Integer({ minimum: 0 })),
            }, { additionalProperties: false }),
            response: {
                200: Type.Object({
                    change: Type.Union([Loose, Type.Null()]),
                    fromRevision: Type.Integer(),
                    toRevision: Type.Integer(),
                    window: Loose,
                    checksRead: Type.Integer(),
                    tenants: Type.Array(Loose),
                }, { additionalProperties: false }),
                ...errorResponses,
            },
        },
    }, async (request) => gatehouse.incidentReport(selectorOf(request.query)));
}
function selectorOf(query) {
    const { change, fromRevision, toRevision } = query;
    if (change !== undefined && fromRevision === undefined && toRevision === undefined)
        return { change };
    if (change === undefined && fromRevision !== undefined && toRevision !== undefined)
        return { fromRevision, toRevision };
    throw new HttpError(400, "input", "give either `change`, or `fromRevision` and `toRevision`");
}
//# sourceMappingURL=incident.js.map