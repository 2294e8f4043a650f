import { inputError, type Place } from "./errors.js";

/**
 * A relationship's expiration: an RFC 3339 instant, kept in one canonical spelling (UTC, `Z`,
 * fractional seconds only when non-zero and without trailing zeros, at most nanoseconds as in
 * SpiceDB's `time.RFC3339Nano`), so that the same instant is always the same text.
 */

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Parses an RFC 3339 time (`2027-01-01T00:00:00Z`, `2027-01-01T01:00:00.5+01:00`) into its
 * canonical UTC spelling, or throws an input error at `place` saying what was expected.
 */
export function parseExpiration(text: string, place?: Place): string {
  const fail = (why: string): never => {
    throw inputError(
      `invalid expiration \`${text}\`: ${why}; expected an RFC 3339 time such as \`2027-01-01T00:00:00Z\``,
      place,
    );
  };
  const m = RFC3339.exec(text);
  if (!m) return fail("not an RFC 3339 time");
  const [, y, mo, d, h, mi, s, fraction = "", zulu, sign, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12) return fail(`month ${mo} does not exist`);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] as number);
  if (day < 1 || day > days) return fail(`day ${d} does not exist in month ${mo} of ${y}`);
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return fail(`time ${h}:${mi}:${s} does not exist`);
  let offsetMinutes = 0;
  if (zulu === undefined) {
    if (Number(oh) > 23 || Number(om) > 59) return fail(`offset ${sign}${oh}:${om} does not exist`);
    offsetMinutes = (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om));
  }
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(Number(h), Number(mi) - offsetMinutes, Number(s), 0);
  const utcYear = utc.getUTCFullYear();
  if (utcYear < 1 || utcYear > 9999) return fail("the year in UTC must be within 0001 to 9999");
  return canonical(utc, fraction);
}

/** `YYYY-MM-DDTHH:MM:SS[.fraction]Z` for a whole-second UTC time and fraction digits. */
function canonical(wholeSeconds: Date, fraction: string): string {
  const iso = isoYear(wholeSeconds) + wholeSeconds.toISOString().slice(-20, -5);
  const digits = fraction.replace(/0+$/, "");
  return digits === "" ? `${iso}Z` : `${iso}.${digits}Z`;
}

/** Four-digit years only: `toISOString` writes years before 1000 with four digits already. */
function isoYear(date: Date): string {
  return String(date.getUTCFullYear()).padStart(4, "0");
}

/** The canonical spelling of a clock time (milliseconds, as a `Date` holds). */
export function expirationOf(time: Date): string {
  const whole = new Date(time.getTime() - time.getUTCMilliseconds());
  return canonical(whole, String(time.getUTCMilliseconds()).padStart(3, "0"));
}

/**
 * The stored spelling: every fraction written out to nine digits, so that text order is time
 * order (the canonical `…:00Z` sorts after `…:00.5Z`, as `Z` follows `.`) and the stores can
 * compare expirations with the clock in SQL, on either backend, with no date type of their own.
 */
export function expirationKey(canonicalTime: string): string {
  const dot = canonicalTime.indexOf(".");
  const base = canonicalTime.slice(0, 19);
  const fraction = dot < 0 ? "" : canonicalTime.slice(dot + 1, -1);
  return `${base}.${fraction.padEnd(9, "0")}Z`;
}

/** Back from the stored spelling to the canonical one. */
export function expirationFromKey(key: string): string {
  const fraction = key.slice(20, 29).replace(/0+$/, "");
  return fraction === "" ? `${key.slice(0, 19)}Z` : `${key.slice(0, 19)}.${fraction}Z`;
}

/** Whether an expiration (canonical) has passed at `now`: a relationship stops at its instant. */
export function hasExpired(expiresAt: string, now: Date): boolean {
  return expirationKey(expiresAt) <= expirationKey(expirationOf(now));
}

/** The earliest and latest whole seconds since the epoch of a four-digit UTC year. */
const MIN_SECONDS = -62_135_596_800n; // 0001-01-01T00:00:00Z
const MAX_SECONDS = 253_402_300_799n; // 9999-12-31T23:59:59Z

/** A protobuf Timestamp (seconds since the epoch and nanoseconds) as a canonical expiration. */
export function expirationFromEpoch(seconds: bigint, nanos: number, place?: Place): string {
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS)
    throw inputError(`expiration ${seconds} s after the epoch is outside the years 0001 to 9999`, place);
  if (!Number.isInteger(nanos) || nanos < 0 || nanos > 999_999_999)
    throw inputError(`expiration nanos ${nanos} must be a whole number from 0 to 999999999`, place);
  return canonical(new Date(Number(seconds) * 1000), String(nanos).padStart(9, "0"));
}

/** A canonical expiration as seconds since the epoch and nanoseconds (a protobuf Timestamp). */
export function expirationToEpoch(expiresAt: string): { seconds: bigint; nanos: number } {
  const key = expirationKey(expiresAt);
  const whole = Date.parse(`${key.slice(0, 19)}Z`);
  return { seconds: BigInt(whole / 1000), nanos: Number(key.slice(20, 29)) };
}
