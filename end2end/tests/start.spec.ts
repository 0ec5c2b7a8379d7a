import { test, expect } from "./fixtures/hub";
import { PROJECT, STUBS } from "./fixtures/wizard";

// Without JavaScript "Start Session" is a form post that lands on the new session's page.

test.use({ serverOptions: { stubs: STUBS, projectFiles: PROJECT } });

test("Start Session works as a plain form post", async ({ hub, page, javaScriptEnabled, server }) => {
  await hub.goto("/sessions?tab=create");
  const stub = page.getByRole("region", { name: "Start from a stub" }).getByRole("listitem").filter({ hasText: "Auth refactor" });
  // Customize opens the wizard, which needs JavaScript.
  if (!javaScriptEnabled) await expect(stub.getByRole("button", { name: "Customize" })).toBeHidden();
  await stub.getByRole("button", { name: "Start Session" }).click();
  await expect(page).toHaveURL(/tab=monitor&session=AUTH-7-\d+/);
  await expect(page.getByRole("heading", { level: 2, name: "Auth refactor" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Start the agents" })).toContainText("You are tests (agent 2 of 2)");
});
