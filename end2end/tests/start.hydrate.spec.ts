import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test, expect } from "./fixtures/hub";
import { PROJECT, STRONG_MATCH, STUBS } from "./fixtures/wizard";

// A stub becomes a running session in one click: its roster, its context pre-selected, and the
// lines to paste on the new session's page. "Customize" opens the wizard with the stub picked.

test.use({ serverOptions: { stubs: STUBS, projectFiles: PROJECT } });

test("Start Session makes the session in one click and opens it with the lines to paste", async ({ hub, page, server }) => {
  await hub.goto("/sessions?tab=create");
  await hub.waitForHydration();
  const stubs = page.getByRole("region", { name: "Start from a stub" });
  const stub = stubs.getByRole("listitem").filter({ hasText: "Auth refactor" });
  await expect(stub).toContainText("Agents: Backend: the session store, Tests");
  expect(await hub.seriousA11yViolations()).toEqual([]);
  await stub.getByRole("button", { name: "Start Session" }).click();

  await expect(page).toHaveURL(/tab=monitor&session=AUTH-7-\d+/);
  await expect(page.getByRole("heading", { level: 2, name: "Auth refactor" })).toBeVisible();
  const start = page.getByRole("region", { name: "Start the agents" });
  await expect(start.getByRole("listitem")).toHaveCount(2);
  await expect(start).toContainText("You are backend (agent 1 of 2)");
  await expect(start.getByRole("button", { name: "Copy the line for tests" })).toBeVisible();
  expect(await hub.seriousA11yViolations()).toEqual([]);

  // The context discovery pre-selected is in the package.
  const [id] = readdirSync(server.sessionsDir).filter((name) => name.startsWith("AUTH-7-"));
  const backbone = readFileSync(path.join(server.sessionsDir, id, "context-backbone.md"), "utf8");
  expect(backbone).toContain(STRONG_MATCH);
  expect(backbone).not.toContain("notes/todo.txt");
});

test("Customize opens the wizard with the stub picked", async ({ hub, page, server }) => {
  await hub.goto("/sessions?tab=create");
  await hub.waitForHydration();
  const stub = page.getByRole("region", { name: "Start from a stub" }).getByRole("listitem").filter({ hasText: "Auth refactor" });
  await stub.getByRole("button", { name: "Customize" }).click();
  await expect(hub.stubOption(/Auth refactor/)).toBeChecked();
  await expect(hub.stubField("Stub id")).toHaveValue("AUTH-7");
});
