import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GatehouseError } from "../../src/model/errors.js";
import {
  expirationFromKey,
  expirationKey,
  expirationOf,
  hasExpired,
  parseExpiration,
} from "../../src/model/expiration.js";
import {
  formatRelationship,
  parseRelationship,
  type Relationship,
  relationshipKey,
} from "../../src/model/relationship.js";

function failure(text: string): GatehouseError {
  try {
    parseRelationship(text, { file: "data.txt", line: 3, column: 1 });
  } catch (error) {
    expect(error).toBeInstanceOf(GatehouseError);
    return error as GatehouseError;
  }
  throw new Error(`\`${text}\` parsed`);
}

describe("relationship caveats and expiration in SpiceDB's tuple syntax", () => {
  it("parses a caveat, a caveat with context, an expiration and both", () => {
    expect(parseRelationship("document:1#viewer@user:1[only_weekdays]")).toEqual({
      resource: { type: "document", id: "1" },
      relation: "viewer",
      subject: { type: "user", id: "1" },
      caveat: { name: "only_weekdays" },
    });
    expect(parseRelationship('document:1#viewer@user:1[some_caveat:{"k":1,"s":"a]}"}]').caveat).toEqual({
      name: "some_caveat",
      context: { k: 1, s: "a]}" },
    });
    expect(parseRelationship("document:1#viewer@group:g#member[expiration:2027-01-01T00:00:00Z]")).toEqual({
      resource: { type: "document", id: "1" },
      relation: "viewer",
      subject: { type: "group", id: "g", relation: "member" },
      expiresAt: "2027-01-01T00:00:00Z",
    });
    const both = parseRelationship(
      'document:1#viewer@user:1[c_one:{"a":[1,2]}][expiration:2027-01-01T00:00:00Z]',
    );
    expect(both.caveat).toEqual({ name: "c_one", context: { a: [1, 2] } });
    expect(both.expiresAt).toBe("2027-01-01T00:00:00Z");
    expect(formatRelationship(both)).toBe(
      'document:1#viewer@user:1[c_one:{"a":[1,2]}][expiration:2027-01-01T00:00:00Z]',
    );
    expect(relationshipKey(both)).toBe("document:1#viewer@user:1");
  });

  it("canonicalises the expiration to UTC and drops an empty context", () => {
    const r = parseRelationship(
      "document:1#viewer@user:1[c_one:{}][expiration:2027-01-01T01:30:00.500+01:00]",
    );
    expect(r.caveat).toEqual({ name: "c_one" });
    expect(r.expiresAt).toBe("2027-01-01T00:30:00.5Z");
    expect(formatRelationship(r)).toBe("document:1#viewer@user:1[c_one][expiration:2027-01-01T00:30:00.5Z]");
  });

  it("names the place of every malformed part", () => {
    const json = failure('document:1#viewer@user:1[c_one:{"k":}]');
    expect(json.message).toMatch(/invalid JSON in the context of caveat `c_one`/);
    expect(json.place?.column).toBe(32);
    const time = failure("document:1#viewer@user:1[expiration:2027-02-30T00:00:00Z]");
    expect(time.message).toMatch(/invalid expiration `2027-02-30T00:00:00Z`: day 30 does not exist/);
    expect(time.place?.column).toBe(37);
    const key = failure("document:1#viewer@user:1[expires:2027-01-01T00:00:00Z]");
    expect(key.message).toMatch(/invalid context of caveat `expires`.*expected a JSON object/);
    const order = failure("document:1#viewer@user:1[expiration:2027-01-01T00:00:00Z][c_one]");
    expect(order.message).toMatch(/comes after the expiration/);
    expect(order.place?.column).toBe(58);
    expect(failure("document:1#viewer@user:1[c_one").message).toMatch(/unclosed `\[`/);
    expect(failure("document:1#viewer@user:1[c_one:[1]]").message).toMatch(/expected a JSON object/);
    expect(failure("document:1#viewer@user:1[c_one]x").message).toMatch(/unexpected `x`/);
    expect(failure("document:1#viewer@user:1[c_one][c_two]").message).toMatch(/two caveats/);
    expect(failure("document:1#viewer@user:1[Bad]").message).toMatch(/invalid caveat name `Bad`/);
  });

  it("keeps checks free of caveats: `[` in a check is not a caveat", () => {
    expect(() => parseRelationship("document:1#view@user:1[c_one]", undefined, "permission")).toThrow(
      GatehouseError,
    );
  });

  it("tells expired from live at the instant of the expiration", () => {
    const at = new Date(Date.UTC(2027, 0, 1));
    expect(hasExpired("2027-01-01T00:00:00Z", at)).toBe(true);
    expect(hasExpired("2027-01-01T00:00:00.000000001Z", at)).toBe(false);
    expect(expirationOf(new Date(Date.UTC(2027, 0, 1, 0, 0, 0, 250)))).toBe("2027-01-01T00:00:00.25Z");
  });

  const name = fc.stringMatching(/^[a-z][a-z0-9_]{1,8}[a-z0-9]$/);
  const id = fc.stringMatching(/^[a-zA-Z0-9/_|=+-]{1,12}$/);
  const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: "small" },
      fc.string(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie("value"), { maxLength: 3 }),
      fc.dictionary(fc.string(), tie("value"), { maxKeys: 3 }),
    ),
  })).value;
  const time = fc
    .record({
      ms: fc.integer({ min: Date.UTC(1, 0, 1), max: Date.UTC(9999, 11, 31) }),
      nanos: fc.stringMatching(/^[0-9]{0,9}$/),
    })
    .map(({ ms, nanos }) => {
      const iso = new Date(ms - (ms % 1000)).toISOString().slice(0, 19);
      return `${iso}${nanos === "" ? "" : `.${nanos}`}Z`;
    });
  const relationship: fc.Arbitrary<Relationship> = fc
    .record({
      resource: fc.record({ type: name, id }),
      relation: name,
      subject: fc.oneof(
        fc.record({ type: name, id }),
        fc.record({ type: name, id, relation: name }),
        fc.record({ type: name, id: fc.constant("*") }),
      ),
      caveat: fc.option(
        fc.record(
          {
            name,
            context: fc.option(fc.dictionary(fc.string(), json, { minKeys: 1, maxKeys: 3 }), {
              nil: undefined,
            }),
          },
          { requiredKeys: ["name"] },
        ),
        { nil: undefined },
      ),
      expiresAt: fc.option(time, { nil: undefined }),
    })
    .map((r) => {
      const out: Record<string, unknown> = { resource: r.resource, relation: r.relation, subject: r.subject };
      if (r.caveat !== undefined)
        out.caveat = r.caveat.context === undefined ? { name: r.caveat.name } : r.caveat;
      if (r.expiresAt !== undefined) out.expiresAt = parseExpiration(r.expiresAt);
      return out as unknown as Relationship;
    });

  it("round-trips: parse(format(r)) is r, and format is stable", () => {
    fc.assert(
      fc.property(relationship, (r) => {
        const text = formatRelationship(r);
        const parsed = parseRelationship(text);
        expect(formatRelationship(parsed)).toBe(text);
        expect(relationshipKey(parsed)).toBe(relationshipKey(r));
        expect(parsed.expiresAt).toBe(r.expiresAt);
        expect(parsed.caveat?.name).toBe(r.caveat?.name);
        expect(JSON.stringify(parsed.caveat?.context)).toBe(JSON.stringify(r.caveat?.context));
      }),
      { numRuns: 300 },
    );
  });

  it("stores expirations in an order-preserving spelling that round-trips", () => {
    fc.assert(
      fc.property(time, time, (a, b) => {
        const ca = parseExpiration(a);
        const cb = parseExpiration(b);
        expect(expirationFromKey(expirationKey(ca))).toBe(ca);
        const plain =
          expirationKey(ca) < expirationKey(cb) ? -1 : expirationKey(ca) > expirationKey(cb) ? 1 : 0;
        const byTime = Math.sign(Date.parse(ca) - Date.parse(cb)) || Math.sign(nanos(ca) - nanos(cb));
        expect(plain).toBe(byTime);
      }),
    );
  });
});

/** The fraction of a second in nanoseconds. */
function nanos(canonicalTime: string): number {
  const dot = canonicalTime.indexOf(".");
  return dot < 0 ? 0 : Number(canonicalTime.slice(dot + 1, -1).padEnd(9, "0"));
}
