import type { CelInput, CelValue } from "@bufbuild/cel";
import { inputError } from "../../model/errors.js";
import { cel } from "./cel-runtime.js";
import { formatIpAddress, parseIpAddress } from "./ipaddress.js";
import { formatParameterType, type ParameterType } from "./parameter-type.js";

/** A caveat's context as JSON: what a relationship stores and what a request sends. */
export type CaveatContext = Readonly<Record<string, unknown>>;

// Timestamps and durations are read by CEL's own `timestamp()` and `duration()`, so a context
// value means exactly what the same literal means inside a caveat expression (RFC 3339, `1h30m`).
type Reader = (ctx: { value: string }) => CelValue | Error;
let readers: { timestamp: Reader; duration: Reader } | undefined;
/** CEL's readers of timestamps and durations, planned when a context first needs one. */
function celReaders(): { timestamp: Reader; duration: Reader } {
  if (readers === undefined) {
    const { celEnv, parse, plan } = cel();
    const env = celEnv();
    readers = {
      timestamp: plan(env, parse("timestamp(value)")),
      duration: plan(env, parse("duration(value)")),
    };
  }
  return readers;
}

/**
 * Converts one JSON context value to the CEL value of the parameter's declared type, or throws
 * an input error naming the caveat and the parameter. As in SpiceDB (pkg/caveats/types/basic.go),
 * numbers may also be sent as strings (`"42"`, beyond 2^53), an `int` or `uint` must be whole,
 * and a `uint` is a non-negative CEL int.
 */
export function contextValue(
  caveat: string,
  parameter: string,
  type: ParameterType,
  value: unknown,
): CelInput {
  const fail = (expected: string): never => {
    throw inputError(
      `caveat \`${caveat}\`: context parameter \`${parameter}\` must be ${expected} (it is declared \`${formatParameterType(type)}\`), got ${JSON.stringify(value) ?? String(value)}`,
    );
  };
  switch (type.kind) {
    case "any":
      return value as CelInput;
    case "bool":
      return typeof value === "boolean" ? value : fail("a boolean");
    case "string":
      return typeof value === "string" ? value : fail("a string");
    case "double": {
      const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
      return typeof n === "number" && Number.isFinite(n) ? n : fail("a number");
    }
    case "int": {
      const n = integer(value) ?? fail("an integer");
      return n >= -(2n ** 63n) && n < 2n ** 63n ? n : fail("an integer within 64 bits");
    }
    case "uint": {
      const n = integer(value) ?? fail("a non-negative integer");
      return n >= 0n && n < 2n ** 63n ? n : fail("a non-negative integer below 2^63");
    }
    case "bytes": {
      if (typeof value !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0)
        return fail("base64 text");
      return new Uint8Array(Buffer.from(value, "base64"));
    }
    case "timestamp":
      return typeof value === "string"
        ? (viaCel(celReaders().timestamp, value) ??
            fail('an RFC 3339 timestamp such as "2026-12-04T07:00:00Z"'))
        : fail("an RFC 3339 timestamp");
    case "duration":
      return typeof value === "string"
        ? (viaCel(celReaders().duration, value) ?? fail('a duration such as "1h30m"'))
        : fail("a duration");
    case "ipaddress": {
      const address = typeof value === "string" ? parseIpAddress(value) : undefined;
      return address ? formatIpAddress(address) : fail('an IP address such as "10.0.0.1"');
    }
    case "list":
      if (!Array.isArray(value)) return fail("a list");
      return value.map((v, i) => contextValue(caveat, `${parameter}[${i}]`, type.element, v));
    case "map": {
      if (value === null || typeof value !== "object" || Array.isArray(value)) return fail("an object");
      const entries = Object.entries(value).map(
        ([k, v]) => [k, contextValue(caveat, `${parameter}.${k}`, type.value, v)] as const,
      );
      return new Map(entries);
    }
  }
}

function integer(value: unknown): bigint | undefined {
  if (typeof value === "number") return Number.isInteger(value) ? BigInt(value) : undefined;
  if (typeof value !== "string") return undefined;
  if (/^[-+]?[0-9]+$/.test(value)) return BigInt(value);
  // `"42.0"` and `"1e3"` are whole numbers too.
  const n = value.trim() === "" ? Number.NaN : Number(value);
  return Number.isInteger(n) ? BigInt(n) : undefined;
}

function viaCel(reader: Reader, text: string): CelInput | undefined {
  const result = reader({ value: text });
  return cel().isCelError(result) ? undefined : (result as CelInput);
}
