import { test, expect } from "./fixtures/hub";
import path from "node:path";
import { HubServer, tempDir, writeSession } from "./fixtures/server";
import { PAYLOADS, expectInert, failOnDialogs, hostileStubs, writeHostileSessions, type HostileSession } from "./fixtures/hostile";

// Hostile metadata, the parts only a running page has: the Content-Security-Policy holds (and
// reports nothing on the hub's own pages), the wizard shows hostile stubs, and notifications
// and the document title carry hostile names as one plain line.

let server: HubServer;
let sessions: HostileSession[];

test.beforeAll(async () => {
  const sessionsDir = path.join(tempDir("hostile-js"), "sessions");
  sessions = writeHostileSessions(sessionsDir);
  server = await HubServer.start({ sessionsDir, stubs: hostileStubs() });
});

test.afterAll(async () => server.stop());

test.beforeEach(async ({ hub, page }) => {
  hub.base = server.url;
  // Every CSP violation the page sees, from the first script on.
  await page.addInitScript(() => {
    (window as any).__violations = [];
    document.addEventListener("securitypolicyviolation", (event) =>
      (window as any).__violations.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
  });
});

const violations = (page: import("@playwright/test").Page) => page.evaluate(() => (window as any).__violations as string[]);

test("the hub's own pages hydrate under the policy without a single violation", async ({ hub, page }) => {
  for (const href of [
    "/sessions?tab=create",
    "/sessions?tab=monitor",
    `/sessions?tab=monitor&session=${encodeURIComponent(sessions[9].id)}`,
    `/sessions?tab=monitor&session=${encodeURIComponent(sessions[9].id)}&output=agent-2`,
  ]) {
    const response = await page.goto(server.url + href);
    const policy = response?.headers()["content-security-policy"] ?? "";
    expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9_-]{16,}' 'wasm-unsafe-eval'/);
    await hub.waitForHydration();
    expect(await violations(page), href).toEqual([]);
  }
});

test("a script that slips into the page does not run: the policy refuses it", async ({ hub, page }) => {
  hub.allowConsoleErrors(/Content Security Policy/);
  await hub.goto("/sessions?tab=monitor");
  await hub.waitForHydration();
  await page.evaluate(() => {
    const script = document.createElement("script");
    script.textContent = "window.__pwned = 1";
    document.body.append(script);
    const holder = document.createElement("div");
    holder.innerHTML = '<img src="data:," onerror="window.__pwned = 2">';
    document.body.append(holder);
  });
  await expect.poll(() => violations(page)).toEqual(expect.arrayContaining([expect.stringMatching(/^script-src/)]));
  expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
});

test("hostile session names are plain in the title and in notifications", async ({ hub, page }) => {
  // A stand-in for the browser's notifications that records what the hub shows.
  await page.addInitScript(() => {
    (window as any).__notifications = [];
    (window as any).Notification = class {
      static permission = "granted";
      static requestPermission() {
        return Promise.resolve("granted");
      }
      constructor(title: string, options?: { body?: string }) {
        (window as any).__notifications.push({ title, body: options?.body ?? "" });
      }
    };
  });
  const dialogs: string[] = [];
  failOnDialogs(page, dialogs);
  // A `</title>` breakout, a bidi override, zero-width characters, a newline, 500 more characters.
  const name = PAYLOADS[9] + " \u202e" + PAYLOADS[50] + " " + PAYLOADS[51] + "\n" + "x".repeat(500);
  writeSession(server.sessionsDir, "notify-me", {
    feature_name: name,
    agents: [{ agent_id: "agent\u202e-1", role: "r", status: "in_progress" }],
  });
  await hub.goto("/sessions?tab=monitor&session=notify-me");
  await hub.waitForHydration();
  // Led by the count of open questions: the hostile sessions ask some.
  expect(await page.title()).toMatch(/^\(\d+\) A <\/title><script>alert\(1\)<\/script> reportgnp\.exe zerowidthjoin x+… · Sessions Hub$/);
  expect(await page.title()).not.toMatch(/[\n\u202e\u202b\u200b]/);

  writeSession(server.sessionsDir, "notify-me", {
    feature_name: name,
    agents: [{ agent_id: "agent\u202e-1", role: "r", status: "complete" }],
  });
  await expect
    .poll(() => page.evaluate(() => (window as any).__notifications.length), { timeout: 5_000 })
    .toBeGreaterThan(0);
  const shown: { title: string; body: string }[] = await page.evaluate(() => (window as any).__notifications);
  for (const { title, body } of shown) {
    expect(title + body).not.toMatch(/[\n\r\u202e\u202b\u200b\u2066-\u2069]/);
    expect(body.length).toBeLessThanOrEqual(200);
  }
  expect(shown.map((n) => n.body).join(" ")).toContain("agent-1 is now complete");
  await expectInert(page, "notified detail", true);
  expect(dialogs).toEqual([]);
});

test("the wizard's stub picker shows hostile stubs and fills the form with their text", async ({ hub, page }) => {
  const dialogs: string[] = [];
  failOnDialogs(page, dialogs);
  await hub.goto("/sessions?tab=create");
  await hub.waitForHydration();
  await hub.clearDraft();
  await page.reload();
  await hub.waitForHydration();
  const stubs = page.getByRole("group", { name: "Stub", exact: true }).getByRole("radio");
  expect(await stubs.count()).toBeGreaterThanOrEqual(PAYLOADS.length);
  for (const n of [0, 4, 9, 13, 19, 43, 50]) {
    await hub.stubOption(new RegExp(`hostile-${String(n).padStart(2, "0")}`)).check();
    // A text box holds one line: the browser drops line breaks from its value.
    await expect(hub.stubField("Feature name")).toHaveValue(PAYLOADS[n].replace(/[\r\n]/g, ""));
    await expect(hub.stubField("Description")).toHaveValue(PAYLOADS[n]);
    await expectInert(page, `stub ${n}`, true);
  }
  expect(await violations(page)).toEqual([]);
  expect(dialogs).toEqual([]);
});

test("a hostile session's detail, its output viewer open, has no serious accessibility violation", async ({ hub }) => {
  for (const n of [2, 9, 47, 50, 57]) {
    await hub.goto(`/sessions?tab=monitor&session=${encodeURIComponent(sessions[n].id)}&output=agent-2`);
    await hub.waitForHydration();
    await expect(hub.outputDialog()).toBeVisible();
    expect(await hub.seriousA11yViolations(), `session ${n}`).toEqual([]);
  }
});
