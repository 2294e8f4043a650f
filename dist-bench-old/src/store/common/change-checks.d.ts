import type { ChangeState, Intent } from "../change-records.js";
export declare function checkIntent(intent: Intent): Intent;
export declare function checkState(state: ChangeState): ChangeState;
