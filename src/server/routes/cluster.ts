import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { ClusterNode } from "../../cluster/cluster-node.js";
import type { Gatehouse } from "../../service/gatehouse.js";
import { errorResponses } from "../schemas.js";
import { tenantsVisibleTo } from "./tenants.js";

const PlacementView = Type.Object({
  node: Type.String({ description: "The node that answered" }),
  replicas: Type.Number({ description: "Copies of each tenant (`--replicas`)" }),
  nodes: Type.Array(
    Type.Object({
      id: Type.String(),
      url: Type.String(),
      grpcUrl: Type.Union([Type.String(), Type.Null()], {
        description: "Its SpiceDB gRPC door (`grpc://` or `grpcs://` with TLS); null without one",
      }),
      live: Type.Boolean({
        description: "Whether its heartbeat moves; a node dead ten node timeouts leaves the list",
      }),
      beatAt: Type.String({ description: "The node's last heartbeat, by its own clock" }),
    }),
  ),
  tenants: Type.Record(Type.String(), Type.Array(Type.String()), {
    description: "Each tenant's holders, best first (node ids)",
  }),
  loaded: Type.Array(Type.Object({ tenant: Type.String(), relationships: Type.Integer() }), {
    description: "The tenants whose indexes this node holds in memory",
  }),
  lastRebalance: Type.Union([
    Type.Object({
      at: Type.String(),
      liveNodes: Type.Integer(),
      loaded: Type.Array(Type.String()),
      dropped: Type.Array(Type.String()),
      loadMs: Type.Integer(),
    }),
    Type.Null(),
  ]),
});

/**
 * Where each tenant is held (`serve --cluster`): a client that routes by it sends each tenant's
 * requests straight to a holder, without the hop through the node it happened to reach. A
 * token limited to tenants hears only of its own.
 */
export function registerCluster(app: FastifyInstance, gatehouse: Gatehouse, cluster: ClusterNode): void {
  app.get(
    "/v1/cluster/placement",
    {
      config: { access: { role: "check", tenant: () => undefined } },
      schema: {
        operationId: "clusterPlacement",
        summary: "The cluster's live nodes and each tenant's holders, for clients that route directly",
        tags: ["admin"],
        response: { 200: PlacementView, ...errorResponses },
      },
    },
    async (request) => cluster.placement(await tenantsVisibleTo(request, gatehouse)),
  );
}
