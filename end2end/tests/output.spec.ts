import { test, expect } from "./fixtures/hub";
import { HubServer } from "./fixtures/server";

// The viewer's state is in the URL: a deep link renders it on the server, and without
// JavaScript "View Output" and "Close" are plain GET forms.

let server: HubServer;
test.beforeAll(async () => {
  server = await HubServer.start({ fixtures: true });
});
test.afterAll(async () => server.stop());
test.beforeEach(({ hub }) => {
  hub.base = server.url;
});

test("View Output, a deep link and Close work as plain page loads", async ({ hub, page }) => {
  await hub.goto("/sessions?tab=monitor&session=auth-refactor-1767000000000");
  await hub.viewOutputButton("agent-1").click();
  await expect(page).toHaveURL(/output=agent-1/);
  const dialog = hub.outputDialog();
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("table")).toContainText("auth.rs");
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(hub.outputDialog()).toHaveCount(0);
  await expect(page.getByRole("heading", { level: 2, name: "Auth refactor" })).toBeVisible();
});
