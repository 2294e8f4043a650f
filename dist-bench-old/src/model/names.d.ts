import { type Place } from "./errors.js";
export declare const TYPE_NAME: RegExp;
export declare const RELATION_NAME: RegExp;
export declare const OBJECT_ID: RegExp;
/** Tenants name customers in URLs, file names and logs: keep them plain. */
export declare const TENANT_NAME: RegExp;
export declare const DEFAULT_TENANT = "default";
export declare function checkTenant(tenant: string, place?: Place): string;
