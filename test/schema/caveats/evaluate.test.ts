import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GatehouseError } from "../../../src/model/errors.js";
import { allOf, anyOf, type CaveatResult, negate } from "../../../src/schema/caveats/caveat-result.js";
import type { CompiledCaveat } from "../../../src/schema/caveats/compile.js";
import { evaluateCaveat, mergeContexts } from "../../../src/schema/caveats/evaluate.js";
import { inCidr, parseIpAddress } from "../../../src/schema/caveats/ipaddress.js";
import { checkSchemaLanguage } from "../../../src/schema/schema.js";

/** Compiles one caveat through the schema checker, as a schema would. */
function caveat(parameters: string, expression: string): CompiledCaveat {
  const { compiled } = checkSchemaLanguage(
    `caveat cav(${parameters}) {\n\t${expression}\n}\ndefinition user {}`,
  );
  return compiled.caveats.get("cav")!;
}

const TRUE: CaveatResult = { kind: "true" };
const FALSE: CaveatResult = { kind: "false" };
const missing = (...names: string[]): CaveatResult => ({ kind: "conditional", missing: names });

function inputFailure(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof GatehouseError && error.kind === "input") return error.message;
    throw error;
  }
  throw new Error("expected an input error");
}

describe("three answers", () => {
  const somecondition = caveat("somecondition int", "somecondition == 42");

  it("true, false, or conditional naming the missing parameter (SpiceDB's basiccaveat)", () => {
    expect(evaluateCaveat(somecondition, { somecondition: 42 })).toEqual(TRUE);
    expect(evaluateCaveat(somecondition, { somecondition: 41 })).toEqual(FALSE);
    expect(evaluateCaveat(somecondition, {})).toEqual(missing("somecondition"));
  });

  it("names only the missing parameters the answer depends on", () => {
    const either = caveat("a bool, b bool, c bool", "a || (b && c)");
    expect(evaluateCaveat(either, { a: true })).toEqual(TRUE);
    expect(evaluateCaveat(either, { a: false, b: false })).toEqual(FALSE);
    expect(evaluateCaveat(either, { a: false })).toEqual(missing("b", "c"));
    expect(evaluateCaveat(either, { b: false })).toEqual(missing("a"));
    expect(evaluateCaveat(either, { a: false, b: true })).toEqual(missing("c"));
    expect(evaluateCaveat(caveat("a int, b int", "a > 1 ? b > 1 : false"), { a: 0 })).toEqual(FALSE);
    expect(evaluateCaveat(caveat("a int, b int", "a > 1 ? b > 1 : false"), { a: 5 })).toEqual(missing("b"));
  });

  it("ignores context keys the caveat does not declare, as SpiceDB does", () => {
    expect(evaluateCaveat(somecondition, { somecondition: 42, other: "x" })).toEqual(TRUE);
  });

  it("property: `a && b` and `a || b` over present and missing booleans follow SpiceDB's three-valued logic", () => {
    const and = caveat("a bool, b bool", "a && b");
    const or = caveat("a bool, b bool", "a || b");
    const value = fc.option(fc.boolean(), { nil: undefined });
    fc.assert(
      fc.property(value, value, (a, b) => {
        const context = { ...(a === undefined ? {} : { a }), ...(b === undefined ? {} : { b }) };
        const leaf = (v: boolean | undefined, name: string): CaveatResult =>
          v === undefined ? missing(name) : v ? TRUE : FALSE;
        expect(evaluateCaveat(and, context)).toEqual(allOf([leaf(a, "a"), leaf(b, "b")]));
        expect(evaluateCaveat(or, context)).toEqual(anyOf([leaf(a, "a"), leaf(b, "b")]));
      }),
    );
  });

  it("an unknown absorbed by `&&` or `||` is not named (cel-go's residual)", () => {
    expect(evaluateCaveat(caveat("x bool, y bool", "(x && false) || y"), {})).toEqual(missing("y"));
  });

  it("property: a decided answer holds for every value of the missing parameters; a conditional one names only missing ones", () => {
    const tree: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        fc.constantFrom("a", "b", "c", "true", "false", "(n > 1)"),
        tie("e").map((x) => `!(${x})`),
        fc.tuple(tie("e"), fc.constantFrom(" && ", " || "), tie("e")).map(([x, op, y]) => `(${x}${op}${y})`),
        fc.tuple(tie("e"), tie("e"), tie("e")).map(([x, y, z]) => `(${x} ? ${y} : ${z})`),
      ),
    })).e;
    const value = fc.option(fc.boolean(), { nil: undefined });
    fc.assert(
      fc.property(
        tree,
        value,
        value,
        value,
        fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
        (text, a, b, c, n) => {
          const cav = caveat("a bool, b bool, c bool, n int", text);
          const given = { a, b, c, n };
          const context = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
          const result = evaluateCaveat(cav, context);
          const absent = Object.keys(given).filter((k) => given[k as keyof typeof given] === undefined);
          if (result.kind === "conditional") {
            expect(result.missing.length).toBeGreaterThan(0);
            for (const m of result.missing) expect(absent).toContain(m);
            return;
          }
          // Every completion of the missing parameters gives the same answer.
          const completions = absent.reduce<Array<Record<string, unknown>>>(
            (acc, name) =>
              acc.flatMap((ctx) =>
                (name === "n" ? [0, 2] : [false, true]).map((v) => ({ ...ctx, [name]: v })),
              ),
            [context],
          );
          for (const full of completions) expect(evaluateCaveat(cav, full)).toEqual(result);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("property: an int comparison agrees with arithmetic on 64-bit integers", () => {
    const greater = caveat("x int, y int", "x + 1 > y");
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }),
        fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }),
        (x, y) => {
          expect(evaluateCaveat(greater, { x: x.toString(), y: y.toString() })).toEqual(
            x + 1n > y ? TRUE : FALSE,
          );
        },
      ),
    );
  });

  it("a runtime error that no missing parameter explains is an input error naming the caveat", () => {
    expect(inputFailure(() => evaluateCaveat(caveat("a int", "10 / a == 1"), { a: 0 }))).toMatch(
      /^caveat `cav` could not be evaluated: /,
    );
  });
});

describe("typical caveats evaluate as SpiceDB's docs describe", () => {
  it.each([
    ["now timestamp", "now.getHours() >= 9 && now.getHours() < 17", { now: "2026-12-04T10:30:00Z" }, TRUE],
    ["now timestamp", "now.getHours() >= 9 && now.getHours() < 17", { now: "2026-12-04T18:00:00Z" }, FALSE],
    [
      "expires_at timestamp, now timestamp",
      "expires_at - now > duration('1h')",
      { expires_at: "2026-12-04T12:00:00Z", now: "2026-12-04T10:00:00Z" },
      TRUE,
    ],
    [
      "user_ip ipaddress, cidr string",
      "user_ip.in_cidr(cidr)",
      { user_ip: "192.168.1.7", cidr: "192.168.0.0/16" },
      TRUE,
    ],
    [
      "request map<string>",
      "request.method == 'GET' && 'path' in request",
      { request: { method: "GET", path: "/" } },
      TRUE,
    ],
    [
      "regions list<string>, region string",
      "regions.exists(r, r == region)",
      { regions: ["eu", "us"], region: "us" },
      TRUE,
    ],
    ["attributes map<any>", "attributes['level'] > 2.0", { attributes: { level: 3 } }, TRUE],
    ["write_limit uint, count uint", "count < write_limit", { write_limit: 2, count: 1 }, TRUE],
  ] as const)("`%s` `%s`", (parameters, expression, context, expected) => {
    expect(evaluateCaveat(caveat(parameters, expression), context)).toEqual(expected);
  });
});

describe("context", () => {
  it("merges request and relationship context, the relationship's winning (SpiceDB's run.go)", () => {
    expect(mergeContexts({ a: 1 }, { a: 2, b: 3 })).toEqual({ a: 1, b: 3 });
    expect(mergeContexts(undefined, { b: 3 })).toEqual({ b: 3 });
    const cav = caveat("limit int, count int", "count < limit");
    // The grant fixed `limit: 2`; a request claiming a higher limit does not widen it.
    expect(evaluateCaveat(cav, mergeContexts({ limit: 2 }, { limit: 100, count: 5 }))).toEqual(FALSE);
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.integer()),
        fc.dictionary(fc.string(), fc.integer()),
        (rel, req) => {
          const merged = mergeContexts(rel, req);
          for (const key of Object.keys(rel)) expect(merged[key]).toBe(rel[key]);
          for (const key of Object.keys(req))
            if (!Object.hasOwn(rel, key)) expect(merged[key]).toBe(req[key]);
        },
      ),
    );
  });

  it("converts each JSON value to its declared type", () => {
    expect(
      evaluateCaveat(caveat("n uint", "n == 9223372036854775807"), { n: "9223372036854775807" }),
    ).toEqual(TRUE);
    expect(evaluateCaveat(caveat("n int", "n == 42"), { n: "42.0" })).toEqual(TRUE);
    expect(evaluateCaveat(caveat("d double", "d == 0.5"), { d: "0.5" })).toEqual(TRUE);
    expect(evaluateCaveat(caveat("a ipaddress, b ipaddress", "a == b"), { a: "::1", b: "0:0::1" })).toEqual(
      TRUE,
    );
    expect(
      evaluateCaveat(caveat("labels map<any>, required map<any>", "required.isSubtreeOf(labels)"), {
        labels: { env: "prod", team: { name: "core", size: 4 } },
        required: { team: { name: "core" } },
      }),
    ).toEqual(TRUE);
    expect(
      evaluateCaveat(caveat("labels map<any>, required map<any>", "required.isSubtreeOf(labels)"), {
        labels: { env: "prod" },
        required: { env: "dev" },
      }),
    ).toEqual(FALSE);
    expect(evaluateCaveat(caveat("d double", "d > 1.5"), { d: 2 })).toEqual(TRUE);
    expect(evaluateCaveat(caveat("s string", "s.startsWith('ab')"), { s: "abc" })).toEqual(TRUE);
    expect(evaluateCaveat(caveat("b bytes", "b == b'hi'"), { b: "aGk=" })).toEqual(TRUE);
    expect(evaluateCaveat(caveat("d duration", "d == duration('90m')"), { d: "1h30m" })).toEqual(TRUE);
    expect(
      evaluateCaveat(caveat("now timestamp, until timestamp", "now < until"), {
        now: "2026-12-04T06:00:00Z",
        until: "2026-12-04T07:00:00+00:00",
      }),
    ).toEqual(TRUE);
    expect(evaluateCaveat(caveat("l list<int>", "l.all(i, i >= 42)"), { l: [42, 43] })).toEqual(TRUE);
    expect(evaluateCaveat(caveat("l list<int>", "l.all(i, i >= 42)"), { l: [41] })).toEqual(FALSE);
    expect(evaluateCaveat(caveat("m map<bool>", "m['x'] && !m['y']"), { m: { x: true, y: false } })).toEqual(
      TRUE,
    );
    expect(evaluateCaveat(caveat("a any", "a == 'x'"), { a: "x" })).toEqual(TRUE);
    expect(
      evaluateCaveat(caveat("admin_teams list<string>, me string", "me in admin_teams"), {
        admin_teams: ["a"],
        me: "a",
      }),
    ).toEqual(TRUE);
  });

  it("refuses a value of the wrong type, naming the caveat, the parameter and the type", () => {
    expect(inputFailure(() => evaluateCaveat(caveat("n int", "n == 1"), { n: "one" }))).toBe(
      'caveat `cav`: context parameter `n` must be an integer (it is declared `int`), got "one"',
    );
    expect(inputFailure(() => evaluateCaveat(caveat("n int", "n == 1"), { n: 1.5 }))).toMatch(
      /must be an integer/,
    );
    expect(inputFailure(() => evaluateCaveat(caveat("n uint", "n == 1"), { n: -1 }))).toMatch(/non-negative/);
    expect(inputFailure(() => evaluateCaveat(caveat("t timestamp", "t == t"), { t: "yesterday" }))).toMatch(
      /RFC 3339/,
    );
    expect(inputFailure(() => evaluateCaveat(caveat("d duration", "d == d"), { d: "soon" }))).toMatch(
      /a duration/,
    );
    expect(inputFailure(() => evaluateCaveat(caveat("b bytes", "b == b"), { b: "not base64!" }))).toMatch(
      /base64/,
    );
    expect(inputFailure(() => evaluateCaveat(caveat("l list<int>", "size(l) == 1"), { l: ["x"] }))).toMatch(
      /parameter `l\[0\]` must be an integer/,
    );
    expect(
      inputFailure(() =>
        evaluateCaveat(caveat("ip ipaddress", "ip.in_cidr('10.0.0.0/8')"), { ip: "10.0.0" }),
      ),
    ).toMatch(/an IP address/);
  });
});

describe("ipaddress and in_cidr (SpiceDB's additions to CEL)", () => {
  const inNetwork = caveat(
    "user_ip ipaddress",
    "user_ip.in_cidr('10.0.0.0/8') || user_ip.in_cidr('2001:db8::/32')",
  );

  it("answers by network, IPv4 and IPv6", () => {
    expect(evaluateCaveat(inNetwork, { user_ip: "10.1.2.3" })).toEqual(TRUE);
    expect(evaluateCaveat(inNetwork, { user_ip: "11.1.2.3" })).toEqual(FALSE);
    expect(evaluateCaveat(inNetwork, { user_ip: "2001:db8::1" })).toEqual(TRUE);
    expect(evaluateCaveat(inNetwork, { user_ip: "2001:db9::1" })).toEqual(FALSE);
    expect(evaluateCaveat(inNetwork, {})).toEqual(missing("user_ip"));
  });

  it("a malformed network is an evaluation error", () => {
    expect(
      inputFailure(() =>
        evaluateCaveat(caveat("ip ipaddress", "ip.in_cidr('10.0.0.0/33')"), { ip: "10.0.0.1" }),
      ),
    ).toMatch(/invalid CIDR/);
  });

  it("parses the address forms Go's netip does", () => {
    expect(parseIpAddress("::")).toEqual({ family: 6, bits: 0n });
    expect(parseIpAddress("::ffff:1.2.3.4")?.bits).toBe(0xffff01020304n);
    expect(parseIpAddress("01.2.3.4")).toBeUndefined();
    expect(parseIpAddress("1::2::3")).toBeUndefined();
    expect(parseIpAddress("1:2:3:4:5:6:7:8:9")).toBeUndefined();
  });

  it("property: an IPv4 address is in a network exactly when its first prefix bits match", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: 0, max: 32 }),
        (a, n, length) => {
          const text = (v: number) => [24, 16, 8, 0].map((s) => (v >>> s) & 255).join(".");
          const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
          const expected = (a & mask) >>> 0 === (n & mask) >>> 0;
          expect(inCidr(parseIpAddress(text(a))!, `${text(n)}/${length}`)).toBe(expected);
        },
      ),
    );
  });
});

describe("combining caveat results", () => {
  it("and, or and not as SpiceDB's caveat runner does", () => {
    expect(allOf([TRUE, missing("a"), missing("b")])).toEqual(missing("a", "b"));
    expect(allOf([missing("a"), FALSE])).toEqual(FALSE);
    expect(anyOf([missing("a"), TRUE])).toEqual(TRUE);
    expect(anyOf([FALSE, missing("b", "a")])).toEqual(missing("a", "b"));
    expect(negate(missing("a"))).toEqual(missing("a"));
    expect(negate(TRUE)).toEqual(FALSE);
    expect(allOf([])).toEqual(TRUE);
    expect(anyOf([])).toEqual(FALSE);
  });
});
