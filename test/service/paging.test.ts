import { afterEach, describe, expect, it } from "vitest";
import { GatehouseError } from "../../src/model/errors.js";
import { formatRelationship, formatSubject, parseRelationship } from "../../src/model/relationship.js";
import { Gatehouse } from "../../src/service/gatehouse.js";
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from "../../src/service/pages.js";

const SCHEMA = `definition user {}
definition group {
  relation member: user
}
definition doc {
  relation viewer: user | user:* | group#member
  relation banned: user
  permission view = viewer - banned
}`;

const ann = { type: "user", id: "ann" };
let open: Gatehouse[] = [];
afterEach(async () => {
  for (const g of open) await g.close();
  open = [];
});

async function withDocs(count: number, location = ":memory:"): Promise<Gatehouse> {
  const g = await Gatehouse.open(location, { decisionLog: { sample: "off" } });
  open.push(g);
  await g.writeSchema(SCHEMA);
  const lines = ["group:all#member@user:ann"];
  for (let i = 0; i < count; i++) lines.push(`doc:d${i}#viewer@group:all#member`);
  await g.importRelationships("acme", lines.join("\n"));
  return g;
}

async function failure(promise: Promise<unknown>): Promise<GatehouseError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GatehouseError);
    return error as GatehouseError;
  }
  throw new Error("expected a failure");
}

describe("paged lookups and relationship reads", () => {
  it("lookup-resources pages return every id exactly once, in order, at the first page's revision", async () => {
    const g = await withDocs(1_000);
    const first = await g.lookupResources("acme", "doc", "view", ann, { limit: 37 });
    expect(first.resources).toHaveLength(37);
    // Writes between pages move the live answer on; the pages stay the answer at the first revision.
    await g.writeRelationships("acme", [
      { operation: "delete", relationship: parseRelationship("doc:d500#viewer@group:all#member") },
      { operation: "touch", relationship: parseRelationship("doc:zzz#viewer@user:ann") },
      { operation: "touch", relationship: parseRelationship("doc:d7#banned@user:ann") },
    ]);
    const ids = first.resources.map((r) => r.id);
    let cursor = first.cursor;
    let pages = 1;
    while (cursor !== null) {
      const page = await g.lookupResources("acme", "doc", "view", ann, { limit: 37, cursor });
      expect(page.revision).toBe(first.revision);
      ids.push(...page.resources.map((r) => r.id));
      cursor = page.cursor;
      pages++;
    }
    expect(pages).toBe(Math.ceil(1_000 / 37));
    const expected = Array.from({ length: 1_000 }, (_, i) => `d${i}`).sort();
    expect(ids).toEqual(expected);
    // A new first page answers at the new revision.
    const now = await g.lookupResources("acme", "doc", "view", ann, { limit: PAGE_SIZE_MAX });
    expect(now.resources.map((r) => r.id)).not.toContain("d500");
    expect(now.resources.map((r) => r.id)).not.toContain("d7");
    expect(now.resources.map((r) => r.id)).toContain("zzz");
    expect(now.cursor).toBeNull();
  });

  it("a later page is the same from a second process (no kept answer) and after a write", async () => {
    const dir = await import("node:fs").then((fs) =>
      fs.mkdtempSync(`${(process.env.TMPDIR ?? "/tmp").replace(/\/$/, "")}/gatehouse-paging-`),
    );
    const file = `${dir}/paging.db`;
    const g = await withDocs(300, file);
    const first = await g.lookupResources("acme", "doc", "view", ann, { limit: 100 });
    await g.writeRelationships("acme", [
      { operation: "delete", relationship: parseRelationship("doc:d299#viewer@group:all#member") },
    ]);
    const other = await Gatehouse.open(file, { decisionLog: { sample: "off" } });
    open.push(other);
    const rest: string[] = [];
    let cursor = first.cursor;
    while (cursor !== null) {
      const page = await other.lookupResources("acme", "doc", "view", ann, { limit: 100, cursor });
      rest.push(...page.resources.map((r) => r.id));
      cursor = page.cursor;
    }
    const all = [...first.resources.map((r) => r.id), ...rest];
    expect(all).toEqual(Array.from({ length: 300 }, (_, i) => `d${i}`).sort());
  });

  it("lookup-subjects pages: the wildcard first, then by id, each once", async () => {
    const g = await withDocs(0);
    const lines = ["doc:x#viewer@user:*", "doc:x#banned@user:b0"];
    for (let i = 0; i < 250; i++) lines.push(`doc:x#viewer@user:u${i}`);
    await g.importRelationships("acme", lines.join("\n"));
    const seen: string[] = [];
    let cursor: string | null | undefined;
    do {
      const page = await g.lookupSubjects("acme", { type: "doc", id: "x" }, "view", "user", undefined, {
        limit: 40,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(
        ...page.subjects.map((s) =>
          s.excluded.length
            ? `${formatSubject(s.subject)} - ${s.excluded.map(formatSubject)}`
            : formatSubject(s.subject),
        ),
      );
      cursor = page.cursor;
    } while (cursor);
    const unpaged = (
      await g.lookupSubjects("acme", { type: "doc", id: "x" }, "view", "user", undefined, {
        limit: PAGE_SIZE_MAX,
      })
    ).subjects.map((s) =>
      s.excluded.length
        ? `${formatSubject(s.subject)} - ${s.excluded.map(formatSubject)}`
        : formatSubject(s.subject),
    );
    expect(seen[0]).toBe("user:* - user:b0");
    expect(seen).toEqual(unpaged);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(251); // the wildcard and 250 users; b0 only as an exception
  });

  it("refuses a bad limit, a foreign or malformed cursor, naming the field", async () => {
    const g = await withDocs(20);
    const defaultPage = await g.lookupResources("acme", "doc", "view", ann);
    expect(defaultPage.resources).toHaveLength(20);
    expect(PAGE_SIZE_DEFAULT).toBe(1_000);
    for (const limit of [0, PAGE_SIZE_MAX + 1, 1.5]) {
      const error = await failure(g.lookupResources("acme", "doc", "view", ann, { limit }));
      expect(error.kind).toBe("input");
      expect(error.place?.field).toBe("limit");
    }
    const { cursor } = await g.lookupResources("acme", "doc", "view", ann, { limit: 5 });
    const other = await failure(
      g.lookupResources("acme", "doc", "view", { type: "user", id: "bob" }, { cursor: cursor! }),
    );
    expect(other.message).toMatch(/belongs to another query/);
    expect(other.place?.field).toBe("cursor");
    const junk = await failure(g.lookupResources("acme", "doc", "view", ann, { cursor: "not-a-cursor" }));
    expect(junk.place?.field).toBe("cursor");
    const relationships = await failure(g.readRelationshipsPage("acme", {}, { cursor: cursor! }));
    expect(relationships.place?.field).toBe("cursor");
  });

  it("a schema written between pages is refused (conflict), not mixed into one answer", async () => {
    const g = await withDocs(50);
    const { cursor } = await g.lookupResources("acme", "doc", "view", ann, { limit: 10 });
    await g.writeSchema(`${SCHEMA}\ndefinition folder {}`);
    const error = await failure(
      g.lookupResources("acme", "doc", "view", ann, { limit: 10, cursor: cursor! }),
    );
    expect(error.kind).toBe("conflict");
  });

  it("relationship reads page in tuple order, every relationship once, at the first page's revision", async () => {
    const g = await withDocs(230);
    const first = await g.readRelationshipsPage("acme", { resourceType: "doc" }, { limit: 50 });
    await g.writeRelationships("acme", [
      { operation: "touch", relationship: parseRelationship("doc:aaa#viewer@user:zed") },
    ]);
    const rows = [...first.relationships];
    let cursor = first.cursor;
    while (cursor !== null) {
      const page = await g.readRelationshipsPage("acme", { resourceType: "doc" }, { limit: 50, cursor });
      expect(page.revision).toBe(first.revision);
      rows.push(...page.relationships);
      cursor = page.cursor;
    }
    const names = rows.map(formatRelationship);
    expect(names).toHaveLength(230);
    expect(new Set(names).size).toBe(230);
    expect(names).not.toContain("doc:aaa#viewer@user:zed");
  });

  it("a check in another tenant is answered while a big import is still running", async () => {
    const g = await withDocs(1);
    const lines: string[] = [];
    for (let i = 0; i < 60_000; i++) lines.push(`doc:i${i}#viewer@user:u${i % 100}`);
    let importDone = false;
    const importing = g.importRelationships("globex", lines.join("\n")).then((result) => {
      importDone = true;
      return result;
    });
    // A timer: before, the whole import ran without giving the event loop a turn, so a timer
    // (like a request that arrives) came only after it had ended.
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(importDone).toBe(false);
    const answered = await g.check("acme", {
      resource: { type: "doc", id: "d0" },
      permission: "view",
      subject: ann,
    });
    expect(answered.allowed).toBe(true);
    // The check did not wait for the import: the import was still running when it was answered.
    expect(importDone).toBe(false);
    expect((await importing).created).toHaveLength(60_000);
  }, 60_000);
});
