/** A statement with `?` placeholders, and for each `?` the index of the value it takes. */
export interface Positional {
  readonly text: string;
  /** Undefined when the values are taken in order, one per `?`, as written. */
  readonly order: readonly number[] | undefined;
  readonly count: number;
}

const PLACEHOLDER = /\$(\d+)/g;

/**
 * Rewrites PostgreSQL's `$n` as SQLite's `?`: a `$n` named twice becomes two `?` taking the
 * same value, and a value no placeholder names is dropped (a dialect's list of rows may use
 * one parameter where PostgreSQL uses several). The SQL never holds a `$` in a literal.
 */
export function positional(text: string): Positional {
  const order: number[] = [];
  const rewritten = text.replace(PLACEHOLDER, (_, n: string) => {
    order.push(Number(n) - 1);
    return "?";
  });
  const inOrder = order.every((index, i) => index === i);
  return { text: rewritten, order: inOrder ? undefined : order, count: order.length };
}

/** The values for a statement rewritten by `positional`. */
export function valuesFor(statement: Positional, values: readonly unknown[]): readonly unknown[] {
  const order = statement.order;
  if (order === undefined)
    return values.length === statement.count ? values : values.slice(0, statement.count);
  return order.map((index) => values[index]);
}
