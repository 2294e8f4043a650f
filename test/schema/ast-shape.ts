/** Strips positions and comments, so trees from differently laid out text compare equal. */
export function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !k.endsWith("pan") && k !== "comments")
        .map(([k, v]) => [k, shape(v)]),
    );
  }
  return value;
}
