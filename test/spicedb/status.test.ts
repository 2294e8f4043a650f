import { status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { Engine } from "../../src/engine/engine.js";
import { GatehouseError, inputError, unknownNameError } from "../../src/model/errors.js";
import { parseRelationship } from "../../src/model/relationship.js";
import { compileSchema } from "../../src/schema/schema.js";
import { validateRelationship } from "../../src/schema/validate-relationship.js";
import { explainWriteConflicts } from "../../src/service/write-conflicts.js";
import { toStatus } from "../../src/spicedb/status.js";
import { updateConflict } from "../../src/store/common/write-plan.js";

const codeOf = (error: unknown) => toStatus(error, () => undefined).code;
const thrown = (f: () => unknown): GatehouseError => {
  try {
    f();
  } catch (error) {
    return error as GatehouseError;
  }
  throw new Error("expected a failure");
};

/**
 * The SpiceDB door's status codes come from the reason the service sets where it raises an
 * error (`unknown_name`, `already_exists`), not from the wording of its message: a message
 * reworded keeps its code, and a message that merely reads like one does not borrow it.
 */
describe("the SpiceDB door's status of service errors", () => {
  it("maps on the reason, whatever the message says", () => {
    expect(codeOf(unknownNameError("no such thing here"))).toBe(status.FAILED_PRECONDITION);
    expect(codeOf(inputError("unknown type `x` (only reads like it)"))).toBe(status.INVALID_ARGUMENT);
    const live = new GatehouseError(
      "conflict",
      "some other wording",
      undefined,
      [],
      undefined,
      "already_exists",
    );
    expect(codeOf(live)).toBe(status.ALREADY_EXISTS);
    expect(codeOf(new GatehouseError("conflict", "relationship `a` already exists"))).toBe(
      status.FAILED_PRECONDITION,
    );
    // One detail with the reason is enough, as for a write with several conflicts.
    const several = new GatehouseError("conflict", "2 of 2 updates conflict", undefined, [
      new GatehouseError("conflict", "does not exist"),
      live,
    ]);
    expect(codeOf(several)).toBe(status.ALREADY_EXISTS);
  });

  it("gets the reason from where the service raises unknown names and live creates, messages unchanged", () => {
    const schema = compileSchema("definition user {}\ndefinition doc {\n  relation viewer: user\n}");
    const unknownRelation = thrown(() =>
      validateRelationship(schema, parseRelationship("doc:1#owner@user:ann")),
    );
    expect(unknownRelation.reason).toBe("unknown_name");
    expect(unknownRelation.message).toMatch(/^unknown relation `owner` on type `doc`/);
    const engine = new Engine(schema);
    const unknownPermission = thrown(() =>
      engine.check("t", {
        resource: { type: "doc", id: "1" },
        permission: "edit",
        subject: { type: "user", id: "a" },
      }),
    );
    expect(unknownPermission.reason).toBe("unknown_name");
    expect(codeOf(unknownPermission)).toBe(status.FAILED_PRECONDITION);
    const badSchema = thrown(() => compileSchema("definition doc {\n  relation viewer: nobody\n}"));
    expect(badSchema.hasReason("unknown_name")).toBe(true);

    const relationship = parseRelationship("doc:1#viewer@user:ann");
    const conflict = updateConflict(
      { relationship, field: "updates[0]", operation: "create" } as never,
      "already exists",
      "already_exists",
    );
    const explained = explainWriteConflicts(
      conflict,
      "acme",
      [{ operation: "create", relationship }],
      () => undefined,
    );
    expect((explained as GatehouseError).message).toMatch(
      /^relationship `doc:1#viewer@user:ann` already exists in tenant `acme`/,
    );
    expect(codeOf(explained)).toBe(status.ALREADY_EXISTS);
  });
});
