import { type Static } from "@sinclair/typebox";
/**
 * Request and response shapes, as JSON Schema (TypeBox): Fastify validates requests against
 * them, serialises responses with them, and the OpenAPI document is generated from them.
 * Objects, subjects and relationships travel in SpiceDB's tuple syntax.
 */
export declare const ObjectText: import("@sinclair/typebox").TString;
export declare const SubjectText: import("@sinclair/typebox").TString;
export declare const TupleText: import("@sinclair/typebox").TString;
export declare const Name: import("@sinclair/typebox").TString;
export declare const Revision: import("@sinclair/typebox").TInteger;
export declare const TenantParams: import("@sinclair/typebox").TObject<{
    tenant: import("@sinclair/typebox").TString;
}>;
export declare const IdParams: import("@sinclair/typebox").TObject<{
    id: import("@sinclair/typebox").TInteger;
}>;
export declare const Consistency: {
    atLeastRevision: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
};
export declare const ErrorResponse: import("@sinclair/typebox").TObject<{
    error: import("@sinclair/typebox").TObject<{
        kind: import("@sinclair/typebox").TString;
        message: import("@sinclair/typebox").TString;
        place: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TUnknown>;
        details: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TArray<import("@sinclair/typebox").TUnknown>>;
    }>;
}>;
export declare const CheckBody: import("@sinclair/typebox").TObject<{
    atLeastRevision: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
    resource: import("@sinclair/typebox").TString;
    permission: import("@sinclair/typebox").TString;
    subject: import("@sinclair/typebox").TString;
    explain: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TBoolean>;
}>;
export type CheckBody = Static<typeof CheckBody>;
export declare const CheckItem: import("@sinclair/typebox").TObject<{
    resource: import("@sinclair/typebox").TString;
    permission: import("@sinclair/typebox").TString;
    subject: import("@sinclair/typebox").TString;
}>;
export declare const MAX_BATCH = 10000;
export declare const AccessRowSchema: import("@sinclair/typebox").TObject<{
    tenant: import("@sinclair/typebox").TString;
    resource: import("@sinclair/typebox").TString;
    permission: import("@sinclair/typebox").TString;
    subject: import("@sinclair/typebox").TString;
    except: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TArray<import("@sinclair/typebox").TString>>;
}>;
/** Anything else: documented loosely, passed through as it is. */
export declare const Loose: import("@sinclair/typebox").TObject<{}>;
export declare const errorResponses: {
    400: import("@sinclair/typebox").TObject<{
        error: import("@sinclair/typebox").TObject<{
            kind: import("@sinclair/typebox").TString;
            message: import("@sinclair/typebox").TString;
            place: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TUnknown>;
            details: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TArray<import("@sinclair/typebox").TUnknown>>;
        }>;
    }>;
    401: import("@sinclair/typebox").TObject<{
        error: import("@sinclair/typebox").TObject<{
            kind: import("@sinclair/typebox").TString;
            message: import("@sinclair/typebox").TString;
            place: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TUnknown>;
            details: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TArray<import("@sinclair/typebox").TUnknown>>;
        }>;
    }>;
    403: import("@sinclair/typebox").TObject<{
        error: import("@sinclair/typebox").TObject<{
            kind: import("@sinclair/typebox").TString;
            message: import("@sinclair/typebox").TString;
            place: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TUnknown>;
            details: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TArray<import("@sinclair/typebox").TUnknown>>;
        }>;
    }>;
    404: import("@sinclair/typebox").TObject<{
        error: import("@sinclair/typebox").TObject<{
            kind: import("@sinclair/typebox").TString;
            message: import("@sinclair/typebox").TString;
            place: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TUnknown>;
            details: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TArray<import("@sinclair/typebox").TUnknown>>;
        }>;
    }>;
    409: import("@sinclair/typebox").TObject<{
        error: import("@sinclair/typebox").TObject<{
            kind: import("@sinclair/typebox").TString;
            message: import("@sinclair/typebox").TString;
            place: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TUnknown>;
            details: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TArray<import("@sinclair/typebox").TUnknown>>;
        }>;
    }>;
};
