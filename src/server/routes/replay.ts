import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { Gatehouse } from "../../service/gatehouse.js";
import { ReplayReportView } from "../../service/views/shadow.js";
import { errorResponses } from "../schemas.js";

/**
 * Replay of the decision log against a change. Store-wide (a model change is replayed over
 * every tenant's decisions), and `propose`: it reads every tenant's log and loads indexes, so it
 * is not for every token that may check.
 */
export function registerReplay(app: FastifyInstance, gatehouse: Gatehouse): void {
  app.post<{ Body: { change: number; since?: string } }>(
    "/v1/replay",
    {
      config: { access: { role: "propose", tenant: "store" } },
      schema: {
        operationId: "replayDecisions",
        summary: "Replay recorded decisions against a change: which would come out differently",
        tags: ["rollout"],
        body: Type.Object(
          {
            change: Type.Integer({ minimum: 1 }),
            since: Type.Optional(
              Type.String({
                maxLength: 32,
                description: "only decisions of the last `30m`, `24h`, `7d` ...",
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: ReplayReportView,
          ...errorResponses,
        },
      },
    },
    async (request) => gatehouse.replay(request.body.change, { since: request.body.since }),
  );
}
