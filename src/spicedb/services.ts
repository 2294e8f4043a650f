import { v1 } from "@authzed/authzed-node";
import type { SpicedbDoor } from "./door.js";
import { expandHandler } from "./expand.js";
import { experimentalCheckHandler, permissionsHandlers } from "./permissions-service.js";
import { bulkExportHandler, bulkImportHandler, relationshipsHandlers } from "./relationships-service.js";
import type { ServiceDescriptor, ServiceHandlers } from "./rpc.js";
import { schemaHandlers } from "./schema-service.js";
import { watchHandlers } from "./watch-service.js";

/** Every authzed.api.v1 service with the handlers Gatehouse serves; the gRPC server and the HTTP gateway both use it. */
export function spicedbServices(door: SpicedbDoor): Array<[ServiceDescriptor, ServiceHandlers]> {
  return [
    [
      v1.PermissionsService,
      {
        ...permissionsHandlers(door),
        ...relationshipsHandlers(door),
        ExpandPermissionTree: expandHandler(door),
      },
    ],
    [v1.SchemaService, schemaHandlers(door)],
    [v1.WatchService, watchHandlers(door)],
    [
      v1.ExperimentalService,
      {
        BulkCheckPermission: experimentalCheckHandler(door),
        BulkImportRelationships: bulkImportHandler(door),
        BulkExportRelationships: bulkExportHandler(door),
      },
    ],
  ];
}

/** Why a method is not served, for its UNIMPLEMENTED message. */
export function unimplemented(method: string): string {
  if (/Reflect|Computable|Dependent|Diff/.test(method))
    return "schema reflection is not served by Gatehouse yet; read the schema with ReadSchema, or diff it with `gatehouse schema diff`";
  if (/Counter|CountRelationships/.test(method)) return "relationship counters are not served by Gatehouse";
  return "not served by Gatehouse";
}
