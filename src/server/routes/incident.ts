import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { IncidentSelector } from "../../changes/incident-report.js";
import type { Gatehouse } from "../../service/gatehouse.js";
import { IncidentReportView } from "../../service/views/incident.js";
import { HttpError } from "../http-errors.js";
import { errorResponses } from "../schemas.js";

/**
 * The incident report. Store-wide and `approve`: a change (a model change above all) can move
 * access in every tenant, and the report names who used what, in all of them.
 */
export function registerIncident(app: FastifyInstance, gatehouse: Gatehouse): void {
  app.get<{ Querystring: { change?: number; fromRevision?: number; toRevision?: number } }>(
    "/v1/incident-report",
    {
      config: { access: { role: "approve", tenant: "store" } },
      schema: {
        operationId: "incidentReport",
        summary:
          "Who gained and who lost access through a change (or between two revisions), per tenant, and which of those accesses were used or denied while it was live",
        tags: ["changes"],
        querystring: Type.Object(
          {
            change: Type.Optional(
              Type.Integer({ minimum: 1, description: "an applied, reverted or rolled-out change" }),
            ),
            fromRevision: Type.Optional(Type.Integer({ minimum: 0 })),
            toRevision: Type.Optional(Type.Integer({ minimum: 0 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: IncidentReportView,
          ...errorResponses,
        },
      },
    },
    async (request) => gatehouse.incidentReport(selectorOf(request.query)),
  );
}

function selectorOf(query: {
  change?: number;
  fromRevision?: number;
  toRevision?: number;
}): IncidentSelector {
  const { change, fromRevision, toRevision } = query;
  if (change !== undefined && fromRevision === undefined && toRevision === undefined) return { change };
  if (change === undefined && fromRevision !== undefined && toRevision !== undefined)
    return { fromRevision, toRevision };
  throw new HttpError(400, "input", "give either `change`, or `fromRevision` and `toRevision`");
}
