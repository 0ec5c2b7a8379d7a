import { existsSync } from "node:fs";
import path from "node:path";
import { test, expect } from "./fixtures/hub";

// Without JavaScript the confirmation dialogs are server-rendered pages and their buttons post
// forms: archive, a refused delete (wrong id), a delete, and a raw file by deep link.

const ID = "auth-refactor-1767000000000";
test.use({ serverOptions: { fixtures: true } });

test("archive and delete as form posts, a wrong id refused with the reason", async ({ hub, page, javaScriptEnabled, server }) => {
  await hub.goto(`/sessions?tab=monitor&session=${ID}`);
  await hub.sessionActions().getByRole("button", { name: "Archive" }).click();
  await expect(page).toHaveURL(/confirm=archive/);
  await hub.confirmDialog().getByRole("button", { name: "Archive" }).click();
  await expect(page.getByRole("status").filter({ hasText: /^Archived\. / })).toBeVisible();
  expect(existsSync(path.join(server.sessionsDir, ".archive", ID))).toBe(true);

  await hub.sessionActions().getByRole("button", { name: "Delete" }).click();
  const dialog = hub.confirmDialog();
  await dialog.getByRole("textbox", { name: "Type the session id to confirm" }).fill("not-it");
  if (javaScriptEnabled) {
    // As in the hydrated test: the page may refetch the deleted session once (404).
    hub.allowConsoleErrors(/status of 404/);
    // Hydrated, Delete waits for the right id.
    await expect(dialog.getByRole("button", { name: "Delete" })).toBeDisabled();
  } else {
    await dialog.getByRole("button", { name: "Delete" }).click();
    await expect(hub.confirmDialog().getByRole("alert")).toContainText("does not match");
  }
  expect(existsSync(path.join(server.sessionsDir, ".archive", ID))).toBe(true);

  await hub.confirmDialog().getByRole("textbox", { name: "Type the session id to confirm" }).fill(ID);
  await hub.confirmDialog().getByRole("button", { name: "Delete" }).click();
  await expect(page).toHaveURL(/status=archived/);
  await expect(page.getByText("No archived sessions.")).toBeVisible();
  expect(existsSync(path.join(server.sessionsDir, ".archive", ID))).toBe(false);
});

test("a deep link opens a raw file; the Archived filter lists without JavaScript", async ({ hub, page, server }) => {
  await hub.goto(`/sessions?tab=monitor&session=${ID}&raw=instructions.json`);
  await expect(page.getByRole("dialog", { name: "File: instructions.json" })).toBeVisible();
  await fetch(`${server.url}/api/sessions/${ID}/archive`, { method: "POST" });
  await hub.goto("/sessions?tab=monitor&status=archived");
  await expect(hub.sessionLink("Auth refactor")).toBeVisible();
  await expect(hub.statusFilter()).toHaveValue("archived");
});
