import { test, expect } from "./fixtures/hub";
import path from "node:path";
import { HubServer, tempDir } from "./fixtures/server";
import { asParsed, expectInert, failOnDialogs, hostileStubs, writeHostileSessions, type HostileSession } from "./fixtures/hostile";

// The hostile-metadata corpus in every agent-written field, through every
// page, with JavaScript on (hydrated) and off (the server's HTML alone). Nothing may run,
// nothing may become markup, and the text must still read as it was written.

let server: HubServer;
let sessions: HostileSession[];

test.beforeAll(async () => {
  const sessionsDir = path.join(tempDir("hostile"), "sessions");
  sessions = writeHostileSessions(sessionsDir);
  server = await HubServer.start({ sessionsDir, stubs: hostileStubs() });
});

test.afterAll(async () => server.stop());

test.beforeEach(({ hub }) => {
  hub.base = server.url;
});

const detailHref = (id: string) => `/sessions?tab=monitor&session=${encodeURIComponent(id)}`;

test("the session list shows every hostile name as text", async ({ hub, page, javaScriptEnabled }) => {
  const dialogs: string[] = [];
  failOnDialogs(page, dialogs);
  await hub.goto("/sessions?tab=monitor&status=all");
  if (javaScriptEnabled) await hub.waitForHydration();
  await expectInert(page, "list", javaScriptEnabled);
  const links = hub.sessionList().getByRole("link");
  const names = await links.evaluateAll((as) => as.map((a) => a.textContent));
  for (const { payload } of sessions.filter((s) => s.payload.length < 1000)) {
    expect(names, "every name is listed as typed").toContain(asParsed(payload));
  }
  expect(dialogs).toEqual([]);
});

test("every session's detail renders its hostile fields as text", async ({ hub, page, javaScriptEnabled }) => {
  test.setTimeout(180_000);
  const dialogs: string[] = [];
  failOnDialogs(page, dialogs);
  for (const { id, payload, n } of sessions) {
    await hub.goto(detailHref(id));
    if (javaScriptEnabled) await hub.waitForHydration();
    await expectInert(page, `detail ${n}`, javaScriptEnabled);
    const heading = page.getByRole("heading", { level: 2 }).first();
    expect(await heading.textContent(), `detail ${n}: the name as typed`).toBe(asParsed(payload));
    // Shown in the title as one line; a 100 KB name is cut.
    const title = await page.title();
    expect(title.endsWith(" · Sessions Hub"), `detail ${n}: title ${title.slice(0, 80)}`).toBe(true);
    expect(title.length).toBeLessThanOrEqual(140);
  }
  expect(dialogs).toEqual([]);
});

test("the output viewer and its picker show hostile files and names as text", async ({ hub, page, javaScriptEnabled }) => {
  test.setTimeout(180_000);
  const dialogs: string[] = [];
  failOnDialogs(page, dialogs);
  for (const { id, payload, n } of sessions) {
    // The blocked agent's output path is the payload itself: refused or missing, said as text.
    // (A 100 KB agent id cannot travel in a URL.)
    if (payload.length < 10_000) {
      await hub.goto(`${detailHref(id)}&output=${encodeURIComponent(payload)}`);
      await expect(hub.outputDialog()).toBeVisible();
      await expectInert(page, `viewer of ${n}'s first agent`, javaScriptEnabled);
    }
    // agent-2's files: the payload as Markdown, and a file named by it.
    await hub.goto(`${detailHref(id)}&output=agent-2`);
    await expect(hub.outputDialog()).toBeVisible();
    await expectInert(page, `viewer of ${n}'s agent-2`, javaScriptEnabled);
  }
  expect(dialogs).toEqual([]);
});

test("the Create tab lists hostile stubs as text", async ({ hub, page, javaScriptEnabled }) => {
  const dialogs: string[] = [];
  failOnDialogs(page, dialogs);
  await hub.goto("/sessions?tab=create");
  if (javaScriptEnabled) await hub.waitForHydration();
  await expectInert(page, "create", javaScriptEnabled);
  expect(dialogs).toEqual([]);
});
