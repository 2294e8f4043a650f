import { type Static, Type } from "@sinclair/typebox";

const Condition = Type.Object({
  caveats: Type.Array(
    Type.Object({ name: Type.String(), context: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }),
  ),
  missing: Type.Array(Type.String(), { description: "context parameters a check must give to decide it" }),
});

/** One access that ends by expiration in the window (src/changes/expiry-forecast.ts). */
export const ExpiringAccessView = Type.Object({
  tenant: Type.String(),
  at: Type.String({ description: "when the access ends (RFC 3339)" }),
  resource: Type.String(),
  permission: Type.String(),
  subject: Type.String({ description: "`type:id`, or `type:*` for every subject of the type but `except`" }),
  except: Type.Optional(Type.Array(Type.String())),
  conditional: Type.Optional(Condition),
  stillConditional: Type.Optional(Condition),
});

/** The expiry forecast: who will lose which access, when, between `from` and `until`. */
export const ExpiryForecastView = Type.Object({
  from: Type.String(),
  until: Type.String(),
  expiring: Type.Array(ExpiringAccessView),
});
export type ExpiryForecastView = Static<typeof ExpiryForecastView>;
