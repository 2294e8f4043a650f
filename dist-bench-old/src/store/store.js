/** The tenant of store-wide revisions (schema writes); no real tenant name can be empty. */
export const STORE_WIDE_TENANT = "";
//# sourceMappingURL=store.js.map