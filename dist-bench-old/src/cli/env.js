/** An environment variable; an empty one counts as unset, as shells make it easy to set one to "". */
export function env(name) {
    const value = process.env[name];
    return value === undefined || value === "" ? undefined : value;
}
//# sourceMappingURL=env.js.map