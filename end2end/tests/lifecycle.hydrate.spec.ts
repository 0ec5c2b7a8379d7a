import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { test, expect } from "./fixtures/hub";
import { HubServer } from "./fixtures/server";

// A finished session is archived, found again under "Archived", restored, archived again and
// deleted, each behind a focus-trapped confirmation dialog; every open hub on the folder follows.

const ID = "auth-refactor-1767000000000";
const DETAIL = `/sessions?tab=monitor&session=${ID}`;
test.use({ serverOptions: { fixtures: true } });

test("archive, find under Archived, restore, archive again and delete with the typed id", async ({ hub, page, server }) => {
  // The live channel may tell the open page about the delete before it has left: its one
  // refetch of the session is then a 404, which the page answers with "Session not found".
  hub.allowConsoleErrors(/status of 404/);
  await hub.goto(DETAIL);
  await hub.waitForHydration();
  const archive = hub.sessionActions().getByRole("button", { name: "Archive" });
  await archive.click();

  const dialog = hub.confirmDialog();
  await expect(dialog).toHaveAccessibleName("Archive this session?");
  await expect(dialog).toHaveAttribute("aria-modal", "true");
  await expect(dialog).toContainText("hidden from the list");
  await expect(dialog.getByRole("button", { name: "Archive" })).toBeFocused();
  expect(await hub.seriousA11yViolations()).toEqual([]);
  // Focus stays inside; Escape cancels and gives focus back to the button.
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press("Tab");
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  }
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(archive).toBeFocused();
  expect(existsSync(path.join(server.sessionsDir, ID))).toBe(true);

  await archive.click();
  await dialog.getByRole("button", { name: "Archive" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole("status").filter({ hasText: /^Archived\. / })).toBeVisible();
  await expect(page).not.toHaveURL(/confirm=/);
  expect(existsSync(path.join(server.sessionsDir, ".archive", ID, "communication.json"))).toBe(true);

  // Gone from the list, there under "Archived".
  await page.getByRole("link", { name: "← All sessions" }).click();
  await expect(hub.sessionLink("docs-uds-compliance-phase1")).toBeVisible();
  await expect(hub.sessionLink("Auth refactor")).toHaveCount(0);
  await hub.statusFilter().selectOption({ label: "Archived (1)" });
  await expect(page.getByRole("heading", { name: /Archived sessions/ })).toBeVisible();
  await expect(hub.sessionLink("Auth refactor")).toBeVisible();
  await expect(hub.sessionList()).toContainText("Archived");
  await hub.sessionLink("Auth refactor").click();

  await hub.sessionActions().getByRole("button", { name: "Restore" }).click();
  await expect(hub.confirmDialog()).toHaveAccessibleName("Restore this session?");
  await hub.confirmDialog().getByRole("button", { name: "Restore" }).click();
  await expect(page.getByRole("status").filter({ hasText: /^Archived\. / })).toHaveCount(0);
  await expect(hub.sessionActions().getByRole("button", { name: "Archive" })).toBeVisible();
  expect(existsSync(path.join(server.sessionsDir, ID))).toBe(true);

  await hub.sessionActions().getByRole("button", { name: "Archive" }).click();
  await hub.confirmDialog().getByRole("button", { name: "Archive" }).click();
  await hub.sessionActions().getByRole("button", { name: "Delete" }).click();
  const remove = hub.confirmDialog();
  await expect(remove).toHaveAccessibleName("Delete this session?");
  await expect(remove).toContainText("removed for good after 7 days");
  const typed = remove.getByRole("textbox", { name: "Type the session id to confirm" });
  await expect(typed).toBeFocused();
  const confirm = remove.getByRole("button", { name: "Delete" });
  await expect(confirm).toBeDisabled();
  expect(await hub.seriousA11yViolations()).toEqual([]);
  await typed.fill("auth-refactor");
  await expect(confirm).toBeDisabled();
  await typed.fill(ID);
  await expect(confirm).toBeEnabled();
  await confirm.click();

  await expect(page).toHaveURL(/status=archived/);
  await expect(page.getByText("No archived sessions.")).toBeVisible();
  expect(existsSync(path.join(server.sessionsDir, ".archive", ID))).toBe(false);
  const bins = readdirSync(path.join(server.sessionsDir, ".trash"));
  expect(bins).toHaveLength(1);
  expect(readdirSync(path.join(server.sessionsDir, ".trash", bins[0]))).toEqual([ID]);
});

test("a session archived through another hub on the folder leaves this page's list live", async ({ hub, page, server }) => {
  const other = await HubServer.start({ sessionsDir: server.sessionsDir });
  try {
    await hub.goto("/sessions?tab=monitor");
    await hub.waitForHydration();
    await expect(hub.sessionLink("Auth refactor")).toBeVisible();
    const archived = await fetch(`${other.url}/api/sessions/${ID}/archive`, { method: "POST" });
    expect(archived.status).toBe(200);
    await expect(hub.sessionLink("Auth refactor")).toHaveCount(0, { timeout: 5_000 });
    await expect(hub.statusFilter()).toContainText("Archived (1)");
    const restored = await fetch(`${other.url}/api/sessions/${ID}/restore`, { method: "POST" });
    expect(restored.status).toBe(200);
    await expect(hub.sessionLink("Auth refactor")).toBeVisible({ timeout: 5_000 });
  } finally {
    await other.stop();
  }
});

test("the report and the zip download from the detail; the raw files open in the viewer", async ({ hub, page, server }) => {
  await hub.goto(DETAIL);
  await hub.waitForHydration();
  const files = page.getByRole("group", { name: "Session files" });

  const [report] = await Promise.all([
    page.waitForEvent("download"),
    files.getByRole("link", { name: "Download report" }).click(),
  ]);
  expect(report.suggestedFilename()).toBe(`${ID}-report.md`);
  const text = readFileSync(await report.path(), "utf8");
  expect(text).toContain("# Auth refactor");
  expect(text).toContain("## Agents");

  const [zip] = await Promise.all([
    page.waitForEvent("download"),
    files.getByRole("link", { name: "Download zip" }).click(),
  ]);
  expect(zip.suggestedFilename()).toBe(`${ID}.zip`);
  const bytes = readFileSync(await zip.path());
  expect(bytes.subarray(0, 2).toString()).toBe("PK");

  const opener = files.getByRole("button", { name: "View communication.json" });
  await opener.click();
  const viewer = page.getByRole("dialog", { name: "File: communication.json" });
  await expect(viewer).toBeVisible();
  await expect(viewer).toContainText('"agent_id"');
  await expect(viewer).toContainText("communication.json · JSON");
  expect(await hub.seriousA11yViolations()).toEqual([]);
  await viewer.getByRole("button", { name: "Close" }).click();
  await expect(viewer).toHaveCount(0);
  await expect(opener).toBeFocused();

  await files.getByRole("button", { name: "View instructions.json" }).click();
  await expect(page.getByRole("dialog", { name: "File: instructions.json" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);
});
