import type { ErrorKind } from "../model/errors.js";
/**
 * Exit codes tell outcomes apart so scripts can branch on them: a usage mistake, bad input,
 * a refused operation and a bug are different things to the caller.
 */
export declare const EXIT: {
    readonly ok: 0;
    /** The command ran and the answer is "no": validation assertions failed, or a check denied with --fail-on-deny. */
    readonly negative: 1;
    readonly usage: 2;
    readonly input: 3;
    readonly notFound: 4;
    readonly conflict: 5;
    readonly refused: 6;
    readonly unavailable: 7;
    readonly limit: 8;
    readonly internal: 70;
};
export declare function exitCodeFor(kind: ErrorKind): number;
