import type { Gatehouse } from "../service/gatehouse.js";
import type { CallAuth } from "./call-auth.js";

/** What every handler of the SpiceDB door uses: the service layer, and the call's token check. */
export interface SpicedbDoor {
  readonly gatehouse: Gatehouse;
  readonly auth: CallAuth;
}

/** The door's name, recorded with every write it makes (`revision show`, the audit log). */
export const DOOR = "spicedb";
