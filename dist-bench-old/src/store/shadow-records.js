/** Distinct divergent checks kept per session; past this, only counts grow (the report says so). */
export const SHADOW_SAMPLE_LIMIT = 10_000;
//# sourceMappingURL=shadow-records.js.map