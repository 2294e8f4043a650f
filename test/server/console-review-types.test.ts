import { describe, expectTypeOf, it } from "vitest";
import type { Plan } from "../../src/changes/plan.js";
import type { ChangeReview, ReviewPlan } from "../../src/console/app/responses.js";
import type { ChangeReviewView } from "../../src/service/views/plan-review.js";

type Facts = "deletion" | "merge" | "purge";

/**
 * The change page reads `GET /v1/changes/:id/review`; where that answer leaves a plan's facts open
 * (records), the console states their fields. These hold them to what the server sends (type
 * checks: `npm run typecheck` fails when they drift).
 */
describe("the console's view of a change under review", () => {
  it("reads the review as the server writes it", () => {
    expectTypeOf<Omit<ChangeReviewView, "plan">>().toExtend<Omit<ChangeReview, "plan">>();
    expectTypeOf<Omit<NonNullable<ChangeReviewView["plan"]>, Facts>>().toExtend<Omit<ReviewPlan, Facts>>();
  });

  it("reads a plan's lifecycle facts as the changes layer stores them", () => {
    expectTypeOf<Pick<Plan, Facts>>().toExtend<Pick<ReviewPlan, Facts>>();
  });
});
