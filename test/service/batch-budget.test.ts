import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_BATCH_STEPS } from "../../src/engine/limits.js";
import { Gatehouse } from "../../src/service/gatehouse.js";

/**
 * One check stops at `MAX_CHECK_STEPS`, but a batch of checks each just under it (data whose
 * cycles defeat what a check remembers, a distinct subject a check so that nothing carries over)
 * held the event loop for the sum: 10,000 checks of 0.26 s, 44 minutes, from one request. A
 * batch's answer loop now walks at most `MAX_BATCH_STEPS` in all, then fails whole with a limit
 * error (a batch is all or nothing).
 */
const SCHEMA = `definition user {}
definition folder {
  relation parent: folder
  relation viewer: user
  permission view = viewer + parent->view
}`;
/** Each check here walks about 690,000 steps, under the one-check limit. */
const DEPTH = 17;
const CHECKS = 40;

describe("a batch of checks is bounded as a whole", () => {
  let gatehouse: Gatehouse;
  beforeAll(async () => {
    gatehouse = await Gatehouse.open(":memory:");
    await gatehouse.writeSchema(SCHEMA);
    const lines: string[] = [];
    for (let i = 0; i < DEPTH; i++) {
      for (const a of ["a", "b"])
        for (const b of ["a", "b"]) lines.push(`folder:${a}${i}#parent@folder:${b}${i + 1}`);
      lines.push(`folder:a${i + 1}#parent@folder:a${i}`);
    }
    lines.push(`folder:b${DEPTH}#viewer@user:u0`);
    // Every subject is known to the index (an unknown one is answered without a walk).
    for (let i = 1; i < CHECKS; i++) lines.push(`folder:elsewhere#viewer@user:u${i}`);
    await gatehouse.importRelationships("t", lines.join("\n"));
  });
  afterAll(async () => gatehouse.close());

  const subjects = Array.from({ length: CHECKS }, (_, i) => `user:u${i}`);
  const limit = expect.objectContaining({
    kind: "limit",
    message: expect.stringMatching(
      new RegExp(`the batch takes more than ${MAX_BATCH_STEPS.toLocaleString("en")} steps`),
    ),
  });

  it("one check of the batch answers alone", async () => {
    const one = await gatehouse.check("t", {
      resource: { type: "folder", id: "a0" },
      permission: "view",
      subject: { type: "user", id: "u0" },
    });
    expect(one.allowed).toBe(true);
  });

  it("refuses the JSON batch (checkBatch) past the batch's steps", async () => {
    const requests = subjects.map((s) => ({
      resource: { type: "folder", id: "a0" },
      permission: "view",
      subject: { type: "user", id: s.slice(5) },
    }));
    await expect(gatehouse.checkBatch("t", requests)).rejects.toThrow(limit);
  });

  it("refuses the text batch (checkBatchText) past the batch's steps", async () => {
    const text = subjects.map((s) => `folder:a0#view@${s}`).join("\n");
    await expect(gatehouse.checkBatchText("t", text, "body")).rejects.toThrow(limit);
  });
});
