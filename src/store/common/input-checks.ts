import { inputError } from "../../model/errors.js";

/** Checks of arguments the store's queries take, beyond tuples (`tuple-rows.ts`). */

export function checkLimit(limit: number, field: string): number {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw inputError(`invalid ${field} \`${limit}\`: expected a whole number, 1 or more`, { field });
  }
  return limit;
}

/** Any whole number may be looked up (an unknown one is simply not found); anything else is malformed. */
export function checkId(id: number, field: string): number {
  if (!Number.isSafeInteger(id))
    throw inputError(`invalid ${field} \`${id}\`: expected a whole number`, { field });
  return id;
}

export function checkText(value: unknown, field: string, options: { nullable?: boolean } = {}): void {
  if (value === null && options.nullable === true) return;
  if (typeof value !== "string" || value === "") {
    throw inputError(`invalid ${field}: expected ${options.nullable === true ? "text or null" : "text"}`, {
      field,
    });
  }
}

/**
 * Times are stored as UTC ISO strings, which sort as text; a bound in another form (a time zone
 * offset, `yesterday`) would compare silently wrong, so it is refused.
 */
export const UTC_TIME = /^\d{4}-\d\d-\d\d(?:T\d\d:\d\d(?::\d\d(?:\.\d{1,9})?)?Z)?$/;

export function checkTime(value: string, field: string): string {
  if (typeof value !== "string" || !UTC_TIME.test(value)) {
    throw inputError(
      `invalid ${field} \`${value}\`: expected a UTC time such as \`2030-01-02\` or \`2030-01-02T03:04:05Z\``,
      { field },
    );
  }
  return value;
}

/** JSON text for a column; a value JSON cannot hold (a BigInt, a cycle) is an input error. */
export function jsonText(value: unknown, field: string): string | null {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw inputError(`invalid ${field}: it cannot be stored as JSON (${(error as Error).message})`, {
      field,
    });
  }
  return text === undefined ? null : text;
}
