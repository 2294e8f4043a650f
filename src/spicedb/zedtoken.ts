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
