import { test, expect } from "./fixtures/hub";

// Runs with JavaScript on and off: everything here is rendered by the server.

test("the root redirects to the hub with the Create tab selected", async ({ hub, page }) => {
  await hub.goto("/");
  await expect(page).toHaveURL(/\/sessions$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/Sessions Hub/);
  await expect(hub.tablist()).toBeVisible();
  await hub.expectSelected("Create Session");
  await expect(page).toHaveTitle("Create Session · Sessions Hub");
});

test("a deep link renders the Monitor tab", async ({ hub, page }) => {
  await hub.goto("/sessions?tab=monitor");
  await hub.expectSelected("Monitor Sessions");
  await expect(page).toHaveTitle("Monitor Sessions · Sessions Hub");
});

test("an unknown tab falls back to Create", async ({ hub }) => {
  await hub.goto("/sessions?tab=bogus");
  await hub.expectSelected("Create Session");
});

test("tabs are links that select their panel", async ({ hub, page }) => {
  await hub.goto("/sessions");
  await hub.tab("Monitor Sessions").click();
  await expect(page).toHaveURL(/\?tab=monitor$/);
  await hub.expectSelected("Monitor Sessions");
  await hub.tab("Create Session").click();
  await expect(page).toHaveURL(/\?tab=create$/);
  await hub.expectSelected("Create Session");
});

test("every tab is reachable with the Tab key before any script runs", async ({ hub }) => {
  await hub.goto("/sessions");
  for (const name of ["Create Session", "Monitor Sessions"] as const) {
    await expect(hub.tab(name)).toHaveAttribute("href", /\/sessions\?tab=/);
  }
});

test("an unknown page answers 404 with a way back", async ({ page }) => {
  const response = await page.goto("/nowhere");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Go to the Sessions Hub" })).toBeVisible();
});
