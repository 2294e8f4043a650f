import type { Revision } from "../service/records.js";
import { SpicedbError } from "./status.js";

/**
 * A ZedToken is opaque to clients; Gatehouse's carries the store revision an answer or a write
 * was made at. Layout (base64url): one version byte (1), then the revision as a big-endian
 * unsigned 64-bit number. The version byte lets a later layout be told apart from this one, and
 * a token from another system (SpiceDB's own) is refused rather than misread.
 */
const TOKEN_VERSION = 1;
const TOKEN_BYTES = 9;

export function encodeZedToken(revision: Revision): { token: string } {
  const bytes = Buffer.alloc(TOKEN_BYTES);
  bytes.writeUInt8(TOKEN_VERSION, 0);
  bytes.writeBigUInt64BE(BigInt(revision), 1);
  return { token: bytes.toString("base64url") };
}

export function decodeZedToken(token: { token: string } | undefined, field: string): Revision {
  const text = token?.token ?? "";
  const bad = (why: string) =>
    new SpicedbError(
      "INVALID_ARGUMENT",
      `invalid ZedToken in \`${field}\`: ${why}; pass a token this Gatehouse returned (tokens of another SpiceDB or Gatehouse store are not comparable)`,
    );
  if (text === "") throw bad("it is empty");
  const bytes = Buffer.from(text, "base64url");
  if (bytes.length !== TOKEN_BYTES || bytes.toString("base64url") !== text)
    throw bad("it is not a Gatehouse token");
  if (bytes.readUInt8(0) !== TOKEN_VERSION) throw bad(`unknown token version ${bytes.readUInt8(0)}`);
  const revision = bytes.readBigUInt64BE(1);
  if (revision > BigInt(Number.MAX_SAFE_INTEGER)) throw bad("its revision is out of range");
  return Number(revision);
}

/**
 * Whether a token is SpiceDB's own (base64 of its `DecodedZedToken` message: field 2, a
 * deprecated zookie, or field 3, `v1`, each one length-delimited message filling the rest). An
 * application that moves from SpiceDB keeps the tokens it stored beside its objects (the "new
 * enemy" pattern) and sends them with `at_least_as_fresh`; Gatehouse's data was imported after
 * they were issued, so any of its answers is at least as fresh, and refusing them failed every
 * such check after the switch.
 */
export function isSpicedbToken(token: { token: string } | undefined): boolean {
  const text = token?.token ?? "";
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return false;
  const bytes = Buffer.from(text, "base64");
  if (bytes.length < 3 || (bytes[0] !== 0x12 && bytes[0] !== 0x1a)) return false;
  return bytes[1] === bytes.length - 2 && bytes[1] < 0x80;
}
