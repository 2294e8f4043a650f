/** An environment variable; an empty one counts as unset, as shells make it easy to set one to "". */
export declare function env(name: string): string | undefined;
