import { test, expect } from "./fixtures/hub";
import { HubServer, writeSession } from "./fixtures/server";

// Live behaviour: each test runs its own hub (poll interval 1 s) on its own sessions directory.

let server: HubServer;

test.beforeEach(async ({ hub }) => {
  server = await HubServer.start({ fixtures: true });
  hub.base = server.url;
});

// Close the page first: an open page would log its reconnect attempts as errors.
test.afterEach(async ({ page }) => {
  await page.close();
  await server.stop();
});

const roster = (status: string) => ({
  feature_name: "Written by hand",
  description: "A session an agent wrote with plain file writes",
  agents: [
    { agent_id: "solo", role: "Does everything", status },
  ],
});

test("a session written to disk appears without a reload", async ({ hub, page }) => {
  await hub.goto("/sessions?tab=monitor");
  await hub.waitForHydration();
  await page.evaluate(() => ((window as any).__sameDocument = true));
  await expect(hub.sessionList().getByRole("link")).toHaveCount(2);

  writeSession(server.sessionsDir, "hand-written", roster("in_progress"));
  // One poll interval (1 s) plus one rescan of the directory (1 s).
  await expect(hub.sessionLink("Written by hand")).toBeVisible({ timeout: 2_500 });
  await expect(page.getByRole("status")).toContainText("New session Written by hand");
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
});

test("a status change shows in the open detail and is announced", async ({ hub, page }) => {
  writeSession(server.sessionsDir, "hand-written", roster("in_progress"));
  await expect.poll(async () => (await fetch(`${server.url}/api/sessions?id=hand-written`)).status).toBe(200);
  await hub.goto("/sessions?tab=monitor&session=hand-written");
  await hub.waitForHydration();
  const row = page.getByRole("row", { name: /solo/ });
  await expect(row).toContainText("Running");

  writeSession(server.sessionsDir, "hand-written", roster("complete"));
  await expect(row).toContainText("Complete", { timeout: 2_500 });
  await expect(page.getByRole("status")).toContainText("solo is now complete");
});

test("the list is keyboard reachable and Enter opens a session; back returns", async ({ hub, page }) => {
  await hub.goto("/sessions?tab=monitor");
  await hub.waitForHydration();
  const link = hub.sessionLink("Auth refactor");
  await link.focus();
  await expect(link).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 2, name: "Auth refactor" })).toBeVisible();
  await page.goBack();
  await expect(hub.sessionLink("Auth refactor")).toBeVisible();
});

test("Refresh fetches at once; filters apply while typing", async ({ hub, page }) => {
  await hub.goto("/sessions?tab=monitor");
  await hub.waitForHydration();
  await hub.searchBox().pressSequentially("docs");
  await expect(hub.sessionList().getByRole("link")).toHaveText(["docs-uds-compliance-phase1"]);
  await expect(page).toHaveURL(/q=docs/);
  await hub.searchBox().fill("");
  writeSession(server.sessionsDir, "hand-written", roster("blocked"));
  await hub.refreshButton().click();
  await expect(hub.sessionLink("Written by hand")).toBeVisible({ timeout: 1_500 });
});

test("when the hub is unreachable the data stays and Retry recovers", async ({ hub, page }) => {
  // Expected while the server is down: the browser logs the failed requests.
  hub.allowConsoleErrors(/Failed to load resource|ERR_CONNECTION_REFUSED/);
  await hub.goto("/sessions?tab=monitor");
  await hub.waitForHydration();
  await server.stop();

  const alert = page.getByRole("alert");
  await expect(alert).toContainText("Cannot refresh", { timeout: 3_000 });
  await expect(hub.sessionList().getByRole("link")).toHaveCount(2);

  writeSession(server.sessionsDir, "hand-written", roster("complete"));
  await server.restart();
  await page.getByRole("button", { name: "Retry" }).click();
  await expect(alert).toHaveCount(0, { timeout: 3_000 });
  await expect(hub.sessionLink("Written by hand")).toBeVisible();
});

test("with permission, an agent that completes raises a browser notification", async ({ hub, page }) => {
  // A stand-in for the browser's Notification API that records what the hub shows.
  await page.addInitScript(() => {
    const shown: { title: string; body?: string }[] = [];
    (window as any).__notifications = shown;
    class RecordingNotification {
      static permission = "default";
      static requestPermission() {
        RecordingNotification.permission = "granted";
        return Promise.resolve("granted");
      }
      constructor(title: string, options?: { body?: string }) {
        shown.push({ title, body: options?.body });
      }
    }
    (window as any).Notification = RecordingNotification;
  });
  writeSession(server.sessionsDir, "hand-written", roster("in_progress"));
  await expect.poll(async () => (await fetch(`${server.url}/api/sessions?id=hand-written`)).status).toBe(200);
  await hub.goto("/sessions?tab=monitor&session=hand-written");
  await hub.waitForHydration();
  await page.getByRole("button", { name: "Enable notifications" }).click();
  await expect(page.getByText("Notifications on")).toBeVisible();

  writeSession(server.sessionsDir, "hand-written", roster("complete"));
  await expect
    .poll(() => page.evaluate(() => (window as any).__notifications.map((n: { title: string }) => n.title)))
    .toEqual(["Agent complete", "Session complete"]);
});
