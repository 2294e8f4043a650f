import type { CelFunc } from "@bufbuild/cel";
import { cel } from "./cel-runtime.js";

/** An IP address as SpiceDB's `ipaddress` parameter holds it: its family and its bits. */
export interface IpAddress {
  readonly family: 4 | 6;
  readonly bits: bigint;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    // Like Go's netip: decimal only, no leading zeros.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  if (text.includes("%")) return undefined;
  let head = text;
  let tail = "";
  const double = text.indexOf("::");
  if (double >= 0) {
    if (text.indexOf("::", double + 1) >= 0) return undefined;
    head = text.slice(0, double);
    tail = text.slice(double + 2);
  }
  const groups = (part: string): bigint[] | undefined => {
    if (part === "") return [];
    const out: bigint[] = [];
    const pieces = part.split(":");
    for (const [i, piece] of pieces.entries()) {
      if (i === pieces.length - 1 && piece.includes(".")) {
        const v4 = parseIpv4(piece);
        if (v4 === undefined) return undefined;
        out.push(v4 >> 16n, v4 & 0xffffn);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) out.push(BigInt(`0x${piece}`));
      else return undefined;
    }
    return out;
  };
  const first = groups(head);
  const last = groups(tail);
  if (!first || !last) return undefined;
  const missing = 8 - first.length - last.length;
  if (double >= 0 ? missing < 1 : missing !== 0) return undefined;
  let value = 0n;
  for (const g of [...first, ...Array<bigint>(Math.max(missing, 0)).fill(0n), ...last])
    value = (value << 16n) | g;
  return value;
}

/** Parses an IPv4 or IPv6 address; `undefined` when the text is not one. */
export function parseIpAddress(text: string): IpAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 4, bits: v4 };
  const v6 = parseIpv6(text);
  return v6 !== undefined ? { family: 6, bits: v6 } : undefined;
}

/**
 * The one text an address is held as, so that equal addresses compare equal (`::1` and
 * `0::1`): IPv4 dotted, IPv6 as eight lowercase hexadecimal groups.
 */
export function formatIpAddress(address: IpAddress): string {
  if (address.family === 4)
    return [24n, 16n, 8n, 0n].map((s) => String((address.bits >> s) & 255n)).join(".");
  return Array.from({ length: 8 }, (_, i) =>
    ((address.bits >> BigInt(112 - 16 * i)) & 0xffffn).toString(16),
  ).join(":");
}

/**
 * Whether `address` lies in the network `cidr` (`10.0.0.0/8`, `2001:db8::/32`), SpiceDB's
 * `in_cidr`. An address of the other family is never inside; a malformed CIDR is an error.
 */
export function inCidr(address: IpAddress, cidr: string): boolean {
  const slash = cidr.indexOf("/");
  const network = slash < 0 ? undefined : parseIpAddress(cidr.slice(0, slash));
  const lengthText = cidr.slice(slash + 1);
  const width = network?.family === 4 ? 32 : 128;
  if (!network || !/^(0|[1-9][0-9]*)$/.test(lengthText) || Number(lengthText) > width)
    throw new Error(`invalid CIDR string: \`${cidr}\``);
  if (network.family !== address.family) return false;
  const shift = BigInt(width - Number(lengthText));
  return address.bits >> shift === network.bits >> shift;
}

/**
 * At run time an `ipaddress` is the text of a valid address (checked when the context is read);
 * the type checker only lets `in_cidr` be called on an `ipaddress` parameter, never on a string.
 */
export function inCidrMethod(): CelFunc {
  const { celMethod, CelScalar } = cel();
  return celMethod("in_cidr", CelScalar.STRING, [CelScalar.STRING], CelScalar.BOOL, function (cidr) {
    const parsed = parseIpAddress(this);
    if (!parsed) throw new Error(`invalid ipaddress \`${this}\``);
    return inCidr(parsed, cidr);
  });
}
