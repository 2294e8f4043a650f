import { Command } from "commander";
/**
 * `gatehouse`: shaped like SpiceDB's `zed` where the same command exists. Every command is a
 * thin translation from arguments to a `Gatehouse` operation and back to text or JSON.
 */
export declare function buildProgram(): Command;
export declare function main(argv: string[]): Promise<number>;
