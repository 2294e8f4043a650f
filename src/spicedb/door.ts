import type { CallAuth } from "./call-auth.js";

/**
 * What every handler of the SpiceDB door uses: the call's token check, which also says which
 * Gatehouse the call acts on (`Caller.gatehouse`: one per server, or one per token when testing).
 */
export interface SpicedbDoor {
  readonly auth: CallAuth;
}

/** The door's name, recorded with every write it makes (`revision show`, the audit log). */
export const DOOR = "spicedb";
