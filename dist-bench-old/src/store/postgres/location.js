import { inputError } from "../../model/errors.js";
/**
 * Lowercase so that it needs no quoting in `search_path`; short enough that the channel name
 * (`gatehouse:` + schema) stays within PostgreSQL's 63-byte identifiers.
 */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,52}$/;
const CHANNEL_PREFIX = "gatehouse:";
export function parseLocation(url) {
    let parsed;
    try {
        parsed = new URL(url);
    }
    catch {
        // The URL may hold a password: name the problem, not the text.
        throw inputError("invalid PostgreSQL URL: expected `postgres://USER@HOST:PORT/DATABASE`", {
            field: "store",
        });
    }
    const schema = parsed.searchParams.get("schema") ?? "public";
    if (!SCHEMA_NAME.test(schema)) {
        throw inputError(`invalid schema \`${schema}\` in the store URL: expected 1 to 53 lowercase letters, digits or \`_\`, not starting with a digit`, { field: "store" });
    }
    const userOptions = parsed.searchParams.get("options") ?? "";
    parsed.searchParams.delete("schema");
    parsed.searchParams.delete("options");
    const host = parsed.searchParams.get("host") ?? (parsed.hostname || "localhost");
    const port = parsed.port || parsed.searchParams.get("port") || "5432";
    return {
        connectionString: parsed.toString(),
        options: `${userOptions} -c search_path=${schema}`.trim(),
        schema,
        target: host.startsWith("/") ? `${host} (port ${port})` : `${host}:${port}`,
        channel: `${CHANNEL_PREFIX}${schema}`,
    };
}
//# sourceMappingURL=location.js.map