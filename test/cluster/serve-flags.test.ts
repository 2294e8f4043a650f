import { describe, expect, it } from "vitest";
import { clusterOptions, memoryBudgetOption, nodeIdentity } from "../../src/cli/commands/serve-cluster.js";

const serving = { workers: 1, host: "127.0.0.1" };

describe("serve's cluster flags", () => {
  it("are off without --cluster, and its settings without it are refused by name", () => {
    expect(clusterOptions({}, serving)).toBeUndefined();
    expect(() => clusterOptions({ replicas: "2" }, serving)).toThrow(/--replicas is a setting of --cluster/);
    expect(() => clusterOptions({ nodeId: "a" }, serving)).toThrow(/--node-id is a setting of --cluster/);
  });

  it("default to a 2 s heartbeat, three of them to the timeout, one copy of each tenant", () => {
    expect(clusterOptions({ cluster: true }, serving)).toEqual({
      id: undefined,
      advertiseUrl: undefined,
      heartbeatMs: 2_000,
      timeoutMs: 6_000,
      replicas: 1,
    });
    expect(
      clusterOptions({ cluster: true, heartbeat: "0.2", nodeTimeout: "1s", replicas: "1.5" }, serving),
    ).toMatchObject({
      heartbeatMs: 200,
      timeoutMs: 1_000,
      replicas: 1.5,
    });
  });

  it("refuse what cannot work, naming the flag", () => {
    const refuse = (flags: Record<string, unknown>, message: RegExp, host = "127.0.0.1", workers = 1) =>
      expect(() => clusterOptions({ cluster: true, ...flags }, { workers, host })).toThrow(message);
    refuse({}, /leave out --workers/, "127.0.0.1", 2);
    refuse({ heartbeat: "0" }, /--heartbeat expects a number of seconds/);
    refuse({ heartbeat: "soon" }, /--heartbeat expects/);
    refuse({ heartbeat: "2", nodeTimeout: "1" }, /--node-timeout must be longer than --heartbeat/);
    refuse({ advertiseUrl: "not a url" }, /--advertise-url expects a URL/);
    refuse({}, /name the one the other nodes reach this one at with --advertise-url/, "0.0.0.0");
    expect(() => memoryBudgetOption({ memoryBudget: "lots" })).toThrow(/--memory-budget expects a size/);
  });

  it("name the node by host and port unless told, at the address it listens on unless told", () => {
    const options = clusterOptions({ cluster: true }, serving)!;
    expect(nodeIdentity(options, "http://127.0.0.1:8080").id).toMatch(/:8080$/);
    expect(nodeIdentity(options, "http://127.0.0.1:8080").url).toBe("http://127.0.0.1:8080");
    const told = clusterOptions(
      { cluster: true, nodeId: "n1", advertiseUrl: "http://10.0.0.5:80/" },
      serving,
    )!;
    expect(nodeIdentity(told, "http://0.0.0.0:8080")).toEqual({ id: "n1", url: "http://10.0.0.5" });
  });

  it("advertise the gRPC door on the advertised host with the door's port, grpcs with TLS, none without a door", () => {
    const told = clusterOptions(
      { cluster: true, nodeId: "n1", advertiseUrl: "http://10.0.0.5:8080" },
      serving,
    )!;
    expect(nodeIdentity(told, "http://0.0.0.0:8080", { port: 50051, tls: false })).toEqual({
      id: "n1",
      url: "http://10.0.0.5:8080",
      grpcUrl: "grpc://10.0.0.5:50051",
    });
    expect(nodeIdentity(told, "http://0.0.0.0:8080", { port: 443, tls: true }).grpcUrl).toBe(
      "grpcs://10.0.0.5:443",
    );
    const v6 = clusterOptions({ cluster: true, nodeId: "n2", advertiseUrl: "http://[::1]:8080" }, serving)!;
    expect(nodeIdentity(v6, "http://[::1]:8080", { port: 50051, tls: false }).grpcUrl).toBe(
      "grpc://[::1]:50051",
    );
    expect(nodeIdentity(told, "http://0.0.0.0:8080").grpcUrl).toBeUndefined();
  });
});
