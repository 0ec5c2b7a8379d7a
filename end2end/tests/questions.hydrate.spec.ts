import { test, expect } from "./fixtures/hub";
import { HubServer, hubCli, writeSession } from "./fixtures/server";

// The agent loop as it runs for real: three `hub` processes of one session against this hub.
// agent-2 waits for agent-1, agent-3 asks a question that is answered here, in the browser,
// and all three end complete. The question arrives without a reload, is announced, and raises
// a notification.

let server: HubServer;

test.beforeEach(async ({ hub }) => {
  server = await HubServer.start();
  hub.base = server.url;
});

test.afterEach(async ({ page }) => {
  await page.close();
  await server.stop();
});

test("wait, ask, answer in the browser, complete", async ({ hub, page, context }) => {
  await context.grantPermissions(["notifications"]);
  await page.addInitScript(() => {
    const shown: string[] = [];
    (window as any).__notifications = shown;
    // Records what the hub would show; the real Notification needs a desktop.
    class Recorded {
      static permission = "granted";
      static requestPermission = async () => "granted";
      constructor(title: string, options?: { body?: string }) {
        shown.push(`${title}: ${options?.body ?? ""}`);
      }
    }
    (window as any).Notification = Recorded;
  });
  writeSession(server.sessionsDir, "loop", {
    feature_name: "Upload limits",
    agents: [
      { agent_id: "agent-1", status: "in_progress" },
      { agent_id: "agent-2", status: "not_started", depends_on: ["agent-1"] },
      { agent_id: "agent-3", status: "in_progress" },
    ],
  });
  await expect.poll(async () => (await fetch(`${server.url}/api/sessions?id=loop`)).status).toBe(200);
  await hub.goto("/sessions?tab=monitor");
  await hub.waitForHydration();

  const remote = ["--hub-url", server.url];
  const waiting = hubCli(["wait", "loop", "--deps-of", "agent-2", "--timeout", "60s", ...remote]);
  const asking = hubCli([
    "ask", "loop", "agent-3", "Ship behind a feature flag?",
    "--choice", "yes", "--choice", "no", "--timeout", "60s", ...remote,
  ]);

  const region = page.getByRole("region", { name: /Needs you/ });
  await expect(region).toContainText("Ship behind a feature flag?", { timeout: 5_000 });
  await expect(page.getByRole("status")).toContainText("agent-3 asks: Ship behind a feature flag? (Upload limits)");
  await expect(page).toHaveTitle(/^\(1\) /);
  expect(await page.evaluate(() => (window as any).__notifications)).toContainEqual(
    "Needs you: agent-3 asks: Ship behind a feature flag? (Upload limits)",
  );
  expect(await hub.seriousA11yViolations()).toEqual([]);

  await region.getByRole("button", { name: "yes" }).click();
  const asked = await asking;
  expect(asked.stderr).toBe("");
  expect(asked).toMatchObject({ code: 0, stdout: "yes" });
  await expect(region).toBeHidden();

  const set = await hubCli(["status", "set", "loop", "agent-1", "complete", ...remote]);
  expect(set.code).toBe(0);
  expect(await waiting).toMatchObject({ code: 0, stdout: "complete: agent-1" });
  for (const agent of ["agent-2", "agent-3"]) {
    expect((await hubCli(["status", "set", "loop", agent, "complete", ...remote])).code).toBe(0);
  }
  await expect(hub.sessionList()).toContainText("3 of 3 agents complete");
});
