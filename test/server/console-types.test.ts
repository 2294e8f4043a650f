import { describe, expectTypeOf, it } from "vitest";
import type { DeletionFacts } from "../../src/changes/deletion-facts.js";
import type { MergeFacts } from "../../src/changes/merge.js";
import type { Plan } from "../../src/changes/plan.js";
import type { PurgeFacts } from "../../src/changes/purge-facts.js";
import type {
  ConsolePlan,
  DeletionFactsView,
  ExplainStep,
  MergeFactsView,
  PurgeFactsView,
} from "../../src/console/app/responses.js";
import type { ExplainNode } from "../../src/engine/explain.js";
import type { PlanView } from "../../src/service/views/change.js";

/** A plan's lifecycle facts are open records in the API's schema; the console states their fields. */
type Facts = "deletion" | "merge" | "purge";

/**
 * The console reads the typed client's types; where the client leaves an answer open, the console
 * states the fields it reads (src/console/app/responses.ts). These hold those statements to what
 * the server writes: `npm run typecheck` fails when the two drift (the checks are types; at run
 * time they pass trivially).
 */
describe("the console's view of the API's answers", () => {
  it("reads explain trees as the engine builds them", () => {
    expectTypeOf<ExplainNode>().toExtend<ExplainStep>();
  });

  it("reads a lifecycle plan's facts as the changes layer computes them", () => {
    expectTypeOf<DeletionFacts>().toExtend<DeletionFactsView>();
    expectTypeOf<MergeFacts>().toExtend<MergeFactsView>();
    expectTypeOf<PurgeFacts>().toExtend<PurgeFactsView>();
  });

  it("reads a plan as planning answers it and as a change stores it", () => {
    expectTypeOf<Omit<PlanView, Facts>>().toExtend<Omit<ConsolePlan, Facts>>();
    // GET /v1/changes/:id: the stored plan (an open record in the API's schema), its facts as stored.
    expectTypeOf<Pick<Plan, Facts>>().toExtend<Pick<ConsolePlan, Facts>>();
  });
});
