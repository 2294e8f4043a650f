import { type Static, Type } from "@sinclair/typebox";
import { AccessConditionView } from "./fields.js";

/** One access that ends by expiration in the window (src/changes/expiry-forecast.ts). */
export const ExpiringAccessView = Type.Object({
  tenant: Type.String(),
  at: Type.String({ description: "when the access ends (RFC 3339)" }),
  resource: Type.String(),
  permission: Type.String(),
  subject: Type.String({ description: "`type:id`, or `type:*` for every subject of the type but `except`" }),
  except: Type.Optional(Type.Array(Type.String())),
  conditional: Type.Optional(AccessConditionView),
  stillConditional: Type.Optional(AccessConditionView),
});

/** The expiry forecast: who will lose which access, when, between `from` and `until`. */
export const ExpiryForecastView = Type.Object({
  from: Type.String(),
  until: Type.String(),
  expiring: Type.Array(ExpiringAccessView),
});
export type ExpiryForecastView = Static<typeof ExpiryForecastView>;
