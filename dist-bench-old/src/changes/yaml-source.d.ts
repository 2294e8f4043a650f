import { type Node, type YAMLMap } from "yaml";
import { Diagnostics, type Place } from "../model/errors.js";
/**
 * A YAML document read with positions, so that every complaint about a change or guards file
 * can name its line and column.
 */
export declare class YamlSource {
    readonly text: string;
    readonly file: string | undefined;
    readonly diagnostics: Diagnostics;
    readonly root: YAMLMap | undefined;
    private readonly lines;
    private readonly textLines;
    constructor(text: string, file: string | undefined);
    private fileOnly;
    private at;
    placeOf(node: Node | null | undefined): Place;
    /** Place of column `offset` (0-based) inside a single-line scalar. */
    placeInside(node: Node, offset: number): Place;
    /** Reports keys outside `allowed`, each at its place. */
    checkKeys(map: YAMLMap, allowed: readonly string[], where: string): void;
    get(map: YAMLMap, key: string): Node | undefined;
    /** A string value, or undefined when absent; other types are reported. */
    string(map: YAMLMap, key: string): string | undefined;
    number(map: YAMLMap, key: string): number | undefined;
    /** The items of a list of strings, with their nodes; reports non-strings. */
    strings(map: YAMLMap, key: string): Array<{
        value: string;
        node: Node;
    }>;
    /** The items of a list of mappings. */
    maps(map: YAMLMap, key: string): YAMLMap[];
    /** Runs `parse` and records its GatehouseError at the node instead of throwing. */
    attempt<T>(parse: () => T): T | undefined;
}
