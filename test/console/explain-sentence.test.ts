import { describe, expect, it } from "vitest";
import { explainSentence } from "../../src/console/app/explain-sentence.js";
import type { ExplainStep } from "../../src/console/app/responses.js";
import { parseObject, parseSubject } from "../../src/model/relationship.js";
import { Gatehouse } from "../../src/service/gatehouse.js";

/** "Why (not)?" in one sentence, read from the engine's own proof trees. */
describe("explain sentence", () => {
  const SCHEMA = `definition user {}
definition group {
  relation member: user
}
definition document {
  relation viewer: user | group#member
  relation owner: user
  relation banned: user
  relation blocklist: user
  permission view = viewer - banned
  permission edit = viewer & owner
  permission share = owner - blocklist
}`;
  const ask = async (subject: string, permission: string, resource: string) => {
    const g = await Gatehouse.open(":memory:");
    try {
      await g.writeSchema(SCHEMA);
      await g.importRelationships(
        "acme",
        [
          "document:pm#viewer@user:bob",
          "document:pm#banned@user:bob",
          "document:pm#viewer@group:eng#member",
          "group:eng#member@user:ann",
          "document:pm#owner@user:cat",
          "document:pm#blocklist@user:cat",
        ].join("\n"),
      );
      const { tree } = await g.explain("acme", {
        resource: parseObject(resource, {}, "resource"),
        permission,
        subject: parseSubject(subject, {}),
      });
      return explainSentence({ subject, permission, resource }, tree as ExplainStep);
    } finally {
      await g.close();
    }
  };

  it("names the exclusion that denies", async () => {
    expect(await ask("user:bob", "view", "document:pm")).toBe(
      "denied: user:bob is banned from document:pm (document:pm#banned@user:bob)",
    );
    expect(await ask("user:cat", "share", "document:pm")).toBe(
      "denied: user:cat is excluded as blocklist of document:pm (document:pm#blocklist@user:cat)",
    );
  });

  it("names the relationships that allow", async () => {
    expect(await ask("user:ann", "view", "document:pm")).toBe(
      "allowed: user:ann has view on document:pm through document:pm#viewer@group:eng#member, then group:eng#member@user:ann",
    );
  });

  it("names the missing part of an intersection", async () => {
    expect(await ask("user:ann", "edit", "document:pm")).toBe(
      "denied: user:ann lacks owner on document:pm, which edit requires",
    );
  });

  it("says nothing grants when nothing does", async () => {
    expect(await ask("user:zed", "view", "document:pm")).toBe(
      "denied: nothing gives user:zed view on document:pm (none of: viewer)",
    );
  });
});
