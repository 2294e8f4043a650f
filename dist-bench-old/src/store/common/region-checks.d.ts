/** `type:id`, as region objects are named; a subject wildcard is `type:*`. */
export declare function checkRegionObjects(objects: readonly string[]): void;
