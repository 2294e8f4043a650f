import type { FastifyInstance } from "fastify";
import type { Gatehouse } from "../../service/gatehouse.js";
/** The shape shadow reports and replays share (`DivergenceReport`). */
export declare const DivergenceReportFields: {
    checks: import("@sinclair/typebox").TInteger;
    since: import("@sinclair/typebox").TUnion<[import("@sinclair/typebox").TString, import("@sinclair/typebox").TNull]>;
    until: import("@sinclair/typebox").TUnion<[import("@sinclair/typebox").TString, import("@sinclair/typebox").TNull]>;
    candidate: import("@sinclair/typebox").TObject<{
        change: import("@sinclair/typebox").TInteger;
    }>;
    wouldBlock: import("@sinclair/typebox").TInteger;
    wouldAllow: import("@sinclair/typebox").TInteger;
    byPermission: import("@sinclair/typebox").TArray<import("@sinclair/typebox").TObject<{
        tenant: import("@sinclair/typebox").TString;
        permission: import("@sinclair/typebox").TString;
        wouldBlock: import("@sinclair/typebox").TInteger;
        wouldAllow: import("@sinclair/typebox").TInteger;
    }>>;
    divergences: import("@sinclair/typebox").TArray<import("@sinclair/typebox").TObject<{
        tenant: import("@sinclair/typebox").TString;
        resource: import("@sinclair/typebox").TString;
        permission: import("@sinclair/typebox").TString;
        subject: import("@sinclair/typebox").TString;
        active: import("@sinclair/typebox").TBoolean;
        candidate: import("@sinclair/typebox").TBoolean;
        count: import("@sinclair/typebox").TInteger;
    }>>;
    truncated: import("@sinclair/typebox").TBoolean;
};
/**
 * Shadow evaluation: store-wide (a candidate schema is evaluated for every tenant), so these
 * need a token not limited to tenants. Starting and stopping change no answer, but they are
 * administrative acts, audited, and need `propose`; reading the report needs `check`.
 */
export declare function registerShadow(app: FastifyInstance, gatehouse: Gatehouse): void;
