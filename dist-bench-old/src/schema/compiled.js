/**
 * The compiled form of a checked schema: what the engine evaluates. Every relation and
 * permission gets a dense numeric id across the whole schema so that the engine can key its
 * indexes by (object, member) with one number.
 */
export function memberOf(schema, type, name) {
    return schema.typesByName.get(type)?.members.get(name);
}
//# sourceMappingURL=compiled.js.map