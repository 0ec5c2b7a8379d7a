import { execFileSync } from "node:child_process";
import { createServer, connect, type Server, type Socket } from "node:net";
import { test, expect, HubPage } from "./fixtures/hub";
import { HubServer, freePort } from "./fixtures/server";

// A team: two hubs on one PostgreSQL (`--store`), a browser on each. A change through either
// shows on both; when one hub dies, its browser (behind a load balancer) reaches the other and
// converges. Needs the throw-away PostgreSQL scripts/hub test starts (HUB_TEST_DATABASE_URL).

const ADMIN_URL = process.env.HUB_TEST_DATABASE_URL;

/** A database of this test's own on the test server. */
function freshDatabase(): string {
  const name = `hub_e2e_${process.pid}_${Date.now()}`;
  execFileSync("psql", [ADMIN_URL!, "-qc", `CREATE DATABASE ${name}`]);
  return ADMIN_URL!.replace(/\/[^/]*$/, `/${name}`);
}

/** The load balancer: forwards each connection to the hub it points at now; `pointAt` drops
 * the connections open to the old one, as a balancer does when a backend dies. */
class Balancer {
  private target = 0;
  private readonly open = new Set<Socket>();
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: number): Promise<Balancer> {
    const port = await freePort();
    let balancer: Balancer | undefined;
    const server = createServer((client) => {
      const upstream = connect(balancer!.target, "127.0.0.1");
      for (const socket of [client, upstream]) {
        balancer!.open.add(socket);
        socket.on("close", () => balancer!.open.delete(socket));
        socket.on("error", () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    balancer = new Balancer(server, port);
    balancer.target = target;
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    return balancer;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  pointAt(target: number) {
    this.target = target;
    for (const socket of this.open) socket.destroy();
  }

  async stop() {
    for (const socket of this.open) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const roster = {
  feature_name: "Shared by the team",
  agents: [
    { agent_id: "backend", role: "Writes the API", status: "pending" },
    { agent_id: "tests", role: "Writes the tests", status: "pending" },
  ],
};

async function setStatus(hub: HubServer, agent: string, status: string) {
  const response = await fetch(`${hub.url}/api/sessions/team-1/agents/${agent}/status`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ status }),
  });
  expect(response.status, await response.text()).toBe(200);
}

let servers: HubServer[] = [];
let balancer: Balancer | undefined;
test.afterEach(async () => {
  await balancer?.stop();
  await Promise.all(servers.map((server) => server.stop()));
  servers = [];
});

test("two hubs on one database are one hub to a browser on each, and a browser whose hub dies converges on the other", async ({
  hub,
  browser,
}) => {
  test.skip(!ADMIN_URL, "needs HUB_TEST_DATABASE_URL (scripts/hub test starts a PostgreSQL)");
  hub.allowConsoleErrors(/Failed to load resource|ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE|ERR_INCOMPLETE_CHUNKED|ERR_CONNECTION_RESET/);
  const store = freshDatabase();
  // Hub A publishes the session its folder holds; hub B starts with an empty folder.
  const a = await HubServer.start({ sessions: { "team-1": roster }, args: ["--store", store] });
  const b = await HubServer.start({ args: ["--store", store] });
  servers = [a, b];
  balancer = await Balancer.start(a.port);

  hub.base = balancer.url;
  await hub.goto("/sessions?tab=monitor&session=team-1");
  await hub.waitForHydration();
  const other = new HubPage(await (await browser.newContext()).newPage(), b.url);
  await other.goto("/sessions?tab=monitor&session=team-1");
  await other.waitForHydration();
  for (const page of [hub, other]) {
    await expect(page.page.getByText("Live", { exact: true })).toBeVisible();
    await expect(page.agentRow("backend")).toContainText("Pending");
  }

  // A change through either hub shows on both pages.
  await setStatus(a, "backend", "in_progress");
  for (const page of [hub, other]) {
    await expect(page.agentRow("backend")).toContainText("Running", { timeout: 3_000 });
  }
  await setStatus(b, "tests", "blocked");
  for (const page of [hub, other]) {
    await expect(page.agentRow("tests")).toContainText("Blocked", { timeout: 3_000 });
  }

  // Hub A dies; the balancer sends its browser to B, whose numbering is another: a resync.
  await a.stop();
  balancer.pointAt(b.port);
  await setStatus(b, "backend", "complete");
  await expect(hub.agentRow("backend")).toContainText("Complete", { timeout: 5_000 });
  await expect(hub.agentRow("tests")).toContainText("Blocked");
  await expect(hub.page.getByText("Live", { exact: true })).toBeVisible({ timeout: 5_000 });
  await other.page.context().close();
});
