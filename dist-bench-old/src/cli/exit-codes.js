/**
 * Exit codes tell outcomes apart so scripts can branch on them: a usage mistake, bad input,
 * a refused operation and a bug are different things to the caller.
 */
export const EXIT = {
    ok: 0,
    /** The command ran and the answer is "no": validation assertions failed, or a check denied with --fail-on-deny. */
    negative: 1,
    usage: 2,
    input: 3,
    notFound: 4,
    conflict: 5,
    refused: 6,
    unavailable: 7,
    limit: 8,
    internal: 70,
};
export function exitCodeFor(kind) {
    switch (kind) {
        case "usage":
            return EXIT.usage;
        case "input":
            return EXIT.input;
        case "not_found":
            return EXIT.notFound;
        case "conflict":
            return EXIT.conflict;
        case "refused":
            return EXIT.refused;
        case "unavailable":
            return EXIT.unavailable;
        case "limit":
            return EXIT.limit;
        case "internal":
            return EXIT.internal;
    }
}
//# sourceMappingURL=exit-codes.js.map