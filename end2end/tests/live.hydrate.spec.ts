import { test, expect } from "./fixtures/hub";
import { HubPage } from "./fixtures/hub";
import { HubServer, writeSession } from "./fixtures/server";

// The live channel: changes on disk reach every open page within
// about a second, without a reload, and survive reconnects and restarts.

const roster = (status: string, name = "Written by a foreign process") => ({
  feature_name: name,
  agents: [{ agent_id: "worker", role: "Writes files by hand", status }],
});

let server: HubServer;
// Close the page first: an open page would log its reconnect attempts as errors.
test.afterEach(async ({ page }) => {
  await page.close();
  await server?.stop();
});

test("two open pages both show a new session and a status change within a second", async ({ hub, browser }) => {
  server = await HubServer.start({ fixtures: true });
  hub.base = server.url;
  await hub.goto("/sessions?tab=monitor");
  await hub.waitForHydration();
  const other = new HubPage(await (await browser.newContext()).newPage(), server.url);
  await other.goto("/sessions?tab=monitor");
  await other.waitForHydration();
  for (const page of [hub, other]) {
    await expect(page.page.getByText("Live", { exact: true })).toBeVisible();
  }

  writeSession(server.sessionsDir, "foreign", roster("in_progress"));
  for (const page of [hub, other]) {
    await expect(page.sessionLink("Written by a foreign process")).toBeVisible({ timeout: 1_000 });
  }

  await Promise.all([hub, other].map((page) => page.sessionLink("Written by a foreign process").click()));
  for (const page of [hub, other]) {
    await expect(page.page.getByRole("row", { name: /^worker/ })).toContainText("Running");
  }
  writeSession(server.sessionsDir, "foreign", roster("complete"));
  for (const page of [hub, other]) {
    await expect(page.page.getByRole("row", { name: /^worker/ })).toContainText("Complete", { timeout: 1_000 });
  }
  await other.page.context().close();
});

test("a restarted server loses no client: the page reconnects and converges", async ({ hub, page }) => {
  hub.allowConsoleErrors(/Failed to load resource|ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE|ERR_INCOMPLETE_CHUNKED/);
  server = await HubServer.start({ fixtures: true });
  hub.base = server.url;
  await hub.goto("/sessions?tab=monitor");
  await hub.waitForHydration();
  await expect(page.getByText("Live", { exact: true })).toBeVisible();

  // A graceful shutdown does not wait for the open event stream.
  const stopping = Date.now();
  await server.stop();
  expect(Date.now() - stopping).toBeLessThan(2_000);
  await expect(page.getByText("Live", { exact: true })).toHaveCount(0, { timeout: 3_000 });

  writeSession(server.sessionsDir, "while-down", roster("blocked", "Created while the hub was down"));
  await server.restart();
  // Reconnect backoff (at most a few seconds here) plus one event.
  await expect(hub.sessionLink("Created while the hub was down")).toBeVisible({ timeout: 8_000 });
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
});

test("without native file events (--watch poll) changes still arrive within a second or two", async ({ hub }) => {
  server = await HubServer.start({ fixtures: true, args: ["--watch", "poll"] });
  const health = await (await fetch(`${server.url}/healthz`)).json();
  expect(health.watch.mode).toBe("poll");
  hub.base = server.url;
  await hub.goto("/sessions?tab=monitor");
  await hub.waitForHydration();
  writeSession(server.sessionsDir, "polled", roster("pending", "Seen by polling"));
  // The rescan interval (1 s) plus the poll interval (1 s).
  await expect(hub.sessionLink("Seen by polling")).toBeVisible({ timeout: 2_000 });
});
