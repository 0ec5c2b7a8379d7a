import { test, expect } from "./fixtures/hub";
import path from "node:path";
import { HubServer, copyFixtureSessions, tempDir, writeSession } from "./fixtures/server";

// Runs with JavaScript on and off: the list, search, filter and detail all render on the server.

let server: HubServer;

test.beforeAll(async () => {
  const sessionsDir = path.join(tempDir("monitor"), "sessions");
  copyFixtureSessions(sessionsDir);
  writeSession(sessionsDir, "broken-session", "{ not json");
  server = await HubServer.start({ sessionsDir });
});

test.afterAll(async () => server.stop());

test.beforeEach(({ hub }) => {
  hub.base = server.url;
});

test("lists every session with attention, progress and description, most urgent first", async ({ hub, page }) => {
  await hub.goto("/sessions?tab=monitor");
  const links = hub.sessionList().getByRole("link");
  await expect(links).toHaveText(["docs-uds-compliance-phase1", "Auth refactor"]);

  const docs = hub.sessionList().getByRole("listitem").filter({ has: page.getByRole("link", { name: "docs-uds-compliance-phase1" }) });
  await expect(docs).toContainText("Blocked");
  await expect(docs).toContainText("1 of 2 agents complete");
  await expect(docs).toContainText("Inventory every doc that breaks the UDS rules");
  // UTC from the server, the reader's local time once hydrated: the instant is the same.
  await expect(docs.locator("time")).toHaveAttribute("datetime", "2026-01-10T09:30:00Z");

  const auth = hub.sessionList().getByRole("listitem").filter({ has: page.getByRole("link", { name: "Auth refactor" }) });
  await expect(auth).toContainText("1 of 3 agents complete");

  const broken = page.getByRole("region", { name: "Sessions that cannot be read" });
  await expect(broken).toContainText("broken-session");
  await expect(broken).toContainText("communication.json");
});

test("the search box narrows the list", async ({ hub }) => {
  await hub.goto("/sessions?tab=monitor");
  await hub.searchBox().fill("AUTH refactor");
  await hub.searchBox().press("Enter");
  await expect(hub.sessionList().getByRole("link")).toHaveText(["Auth refactor"]);
  await expect(hub.searchBox()).toHaveValue("AUTH refactor");

  await hub.searchBox().fill("nothing like this");
  await hub.searchBox().press("Enter");
  await expect(hub.page.getByText("No sessions match these filters.")).toBeVisible();
  await hub.page.getByRole("link", { name: "Show all sessions" }).click();
  await expect(hub.sessionList().getByRole("link")).toHaveCount(2);
});

test("the status filter shows counts and filters", async ({ hub, page }) => {
  await hub.goto("/sessions?tab=monitor");
  await expect(hub.statusFilter().getByRole("option")).toHaveText([
    "All sessions (3)",
    "Needs attention (1)",
    "Needs input (0)",
    "Blocked (1)",
    "Stale (0)",
    "Running (1)",
    "Waiting (0)",
    "Not started (0)",
    "Complete (0)",
    "Unreadable (1)",
    "Archived (0)",
  ]);
  await hub.statusFilter().selectOption({ label: "Unreadable (1)" });
  await hub.applyFilters();
  await expect(page).toHaveURL(/status=unreadable/);
  await expect(hub.sessionList().getByRole("link")).toHaveCount(0);
  await expect(page.getByRole("region", { name: "Sessions that cannot be read" })).toContainText("broken-session");

  await hub.statusFilter().selectOption({ label: "Running (1)" });
  await hub.applyFilters();
  await expect(hub.sessionList().getByRole("link")).toHaveText(["Auth refactor"]);
  await expect(page.getByRole("region", { name: "Sessions that cannot be read" })).toHaveCount(0);
});

test("a session opens into its detail", async ({ hub, page }) => {
  await hub.goto("/sessions?tab=monitor");
  await hub.sessionLink("Auth refactor").click();
  await expect(page).toHaveURL(/tab=monitor&session=auth-refactor-1767000000000$/);
  await expect(page.getByRole("heading", { level: 2, name: "Auth refactor" })).toBeVisible();

  const agents = page.getByRole("table");
  await expect(agents.getByRole("row")).toHaveCount(4);
  const tests = agents.getByRole("row", { name: /^agent-3/ });
  await expect(tests).toContainText("Pending");
  await expect(tests).toContainText("Waiting for agent-2");
  await expect(tests).toContainText("outputs/agent-3.md");
  await expect(agents.getByRole("row", { name: /^agent-2/ })).toContainText("outputs/agent-2.json");

  const progress = page.getByRole("region", { name: "Progress" });
  await expect(progress).toContainText("Complete1");
  await expect(page.getByRole("region", { name: "Instructions" })).toContainText("Split the session middleware");
  const waves = page.getByRole("region", { name: "Execution waves" });
  await expect(waves).toContainText("Wave 3");
  await expect(waves.getByRole("listitem").filter({ hasText: /^agent-3/ })).toContainText("waits for agent-2");
  // The diagram (decorative; the list says the same): three agents, three dependency arrows.
  await expect(waves.locator("svg rect")).toHaveCount(3);
  await expect(waves.locator("svg path[marker-end]")).toHaveCount(3);
});

test("a deep link renders the detail, with the orchestrator", async ({ hub, page }) => {
  await hub.goto("/sessions?tab=monitor&session=WO-DOCS-001");
  await expect(page.getByRole("heading", { level: 2, name: "docs-uds-compliance-phase1" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Orchestrator" })).toContainText("assistant-orchestrator");
  await expect(page.getByRole("row", { name: /coderef-testing/ })).toContainText("Blocked");
  await page.getByRole("link", { name: "← All sessions" }).click();
  await expect(hub.sessionList().getByRole("link")).toHaveCount(2);
});

test("an unknown session says so with a 404", async ({ hub, page }) => {
  hub.allowConsoleErrors(/404/);
  const response = await page.goto(`${server.url}/sessions?tab=monitor&session=no-such-session`);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("alert")).toContainText("Session not found");
  await expect(page.getByRole("alert")).toContainText("no-such-session");
});

test("an empty sessions directory explains where sessions come from", async ({ hub, page }) => {
  const empty = await HubServer.start();
  try {
    hub.base = empty.url;
    await hub.goto("/sessions?tab=monitor");
    await expect(page.getByRole("heading", { name: "No sessions yet" })).toBeVisible();
    await expect(page.getByText(empty.sessionsDir)).toBeVisible();
    await page.getByRole("link", { name: "Create a session" }).click();
    await hub.expectSelected("Create Session");
  } finally {
    // Leave the page first: its live channel would log the stopped server as an error.
    await page.goto("about:blank");
    await empty.stop();
  }
});

test("an agent in progress without an update past --stale-after is flagged stale", async ({ hub, page }) => {
  const stale = await HubServer.start({ args: ["--stale-after", "10m"] });
  try {
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    writeSession(stale.sessionsDir, "slow", {
      feature_name: "Slow agents",
      agents: [
        { agent_id: "sleepy", role: "Stuck", status: "in_progress", updated_at: minutesAgo(45) },
        { agent_id: "busy", role: "Fresh", status: "in_progress", updated_at: minutesAgo(2) },
        { agent_id: "done", role: "Old but finished", status: "complete", updated_at: minutesAgo(300) },
      ],
    });
    await expect.poll(async () => (await fetch(`${stale.url}/api/sessions?id=slow`)).status).toBe(200);
    hub.base = stale.url;
    await hub.goto("/sessions?tab=monitor&session=slow");
    await expect(page.getByRole("row", { name: /^sleepy/ })).toContainText("Stale");
    await expect(page.getByRole("row", { name: /^sleepy/ })).toContainText("45 min ago");
    await expect(page.getByRole("row", { name: /^busy/ })).not.toContainText("Stale");
    await expect(page.getByRole("row", { name: /^done/ })).not.toContainText("Stale");
  } finally {
    await page.goto("about:blank");
    await stale.stop();
  }
});

test("a session with problems that do not stop it being read shows its warnings", async ({ hub, page }) => {
  const odd = await HubServer.start();
  try {
    writeSession(odd.sessionsDir, "odd", {
      feature_name: "Odd roster",
      agents: [
        { agent_id: "twin", status: "complete" },
        { agent_id: "dreamer", status: "thinking" },
        { agent_id: "twin", status: "not_started" },
      ],
    });
    await expect.poll(async () => (await fetch(`${odd.url}/api/sessions?id=odd`)).status).toBe(200);
    hub.base = odd.url;
    const expected = [
      'dreamer: unknown status "thinking"',
      "twin is listed 2 times; status updates and waves use the first entry",
    ];
    await hub.goto("/sessions?tab=monitor");
    await expect(hub.sessionList().getByRole("list", { name: "Warnings" }).getByRole("listitem")).toHaveText(
      expected,
    );
    await hub.sessionLink("Odd roster").click();
    await expect(page.getByRole("heading", { level: 2, name: "Odd roster" })).toBeVisible();
    await expect(page.getByRole("list", { name: "Warnings" }).getByRole("listitem")).toHaveText(
      expected,
    );
  } finally {
    await page.goto("about:blank");
    await odd.stop();
  }
});
