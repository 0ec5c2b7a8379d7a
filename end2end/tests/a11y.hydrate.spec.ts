import { test, expect } from "./fixtures/hub";
import path from "node:path";
import { HubServer, copyFixtureSessions, tempDir, writeSession } from "./fixtures/server";

// axe-core runs inside the page, so these need JavaScript; they check the hydrated DOM, which
// starts as the server's markup.

for (const tab of ["create", "monitor"]) {
  test(`no serious accessibility violations on the ${tab} tab`, async ({ hub }) => {
    await hub.goto(`/sessions?tab=${tab}`);
    expect(await hub.seriousA11yViolations()).toEqual([]);
  });
}

test.describe("monitor", () => {
  let server: HubServer;
  test.beforeAll(async () => {
    const sessionsDir = path.join(tempDir("a11y"), "sessions");
    copyFixtureSessions(sessionsDir);
    writeSession(sessionsDir, "broken-session", "{ not json");
    server = await HubServer.start({ sessionsDir });
  });
  test.afterAll(async () => server.stop());

  for (const [what, path] of [
    ["list", "/sessions?tab=monitor"],
    ["detail", "/sessions?tab=monitor&session=auth-refactor-1767000000000"],
  ]) {
    test(`no serious accessibility violations on the session ${what}`, async ({ hub }) => {
      hub.base = server.url;
      await hub.goto(path);
      await hub.waitForHydration();
      expect(await hub.seriousA11yViolations()).toEqual([]);
    });
  }
});
