import type { CompiledSchema, Expression } from "./compiled.js";

/** Per schema and mode, computed once: schemas are immutable once compiled. */
const cache = new WeakMap<CompiledSchema, Map<string, ReadonlySet<string>>>();

/**
 * The relations (`type#relation`) that some arrow of the schema walks (`parent->view` walks
 * `document#parent`), or with `mode: "all"` only those walked by `.all()` arrows. A write to such
 * a relation moves whatever the arrow reaches, not only its own subject, which is why direct-write
 * guards and userset plans treat them apart.
 */
export function arrowTuplesets(schema: CompiledSchema, mode: "any" | "all" = "any"): ReadonlySet<string> {
  let bySchema = cache.get(schema);
  if (!bySchema) {
    bySchema = new Map();
    cache.set(schema, bySchema);
  }
  const known = bySchema.get(mode);
  if (known) return known;
  const found = new Set<string>();
  const visit = (type: string, e: Expression): void => {
    switch (e.op) {
      case "union":
      case "intersection":
        for (const operand of e.operands) visit(type, operand);
        return;
      case "exclusion":
        visit(type, e.base);
        visit(type, e.subtracted);
        return;
      case "arrow":
        if (mode === "any" || e.mode === "all") found.add(`${type}#${e.tupleset.name}`);
        return;
      default:
        return;
    }
  };
  for (const member of schema.members)
    if (member.kind === "permission") visit(member.type.name, member.expression);
  bySchema.set(mode, found);
  return found;
}
