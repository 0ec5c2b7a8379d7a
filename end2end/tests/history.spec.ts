import { test, expect } from "./fixtures/hub";

// What happened and what it cost: statuses and usage reported through the API show as the
// detail's timeline (with its table) and usage, and as the session's cost on the list, with
// or without JavaScript.

const SESSION = "search-1767000000000";
const CHEAP = "docs-1767000100000";

test.use({
  serverOptions: {
    sessions: {
      [SESSION]: {
        feature_name: "Search",
        agents: [
          { agent_id: "indexer", role: "Indexer", status: "pending" },
          { agent_id: "ranker<b>x</b>", role: "Ranker", status: "pending" },
        ],
      },
      [CHEAP]: {
        feature_name: "Docs",
        agents: [{ agent_id: "writer", status: "in_progress", usage: { cost_usd: 0.05 } }],
      },
    },
  },
});

test.beforeEach(async ({ server }) => {
  const post = async (path: string, body: unknown, client = "cli") => {
    const response = await fetch(`${server.url}/api/sessions/${SESSION}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-hub-client": client },
      body: JSON.stringify(body),
    });
    expect(response.ok, `${path}: ${await response.text()}`).toBeTruthy();
  };
  await post("/agents/indexer/status", { status: "in_progress" });
  await post("/agents/indexer/status", { status: "blocked", message: "needs the schema" });
  await post("/agents/ranker%3Cb%3Ex%3C%2Fb%3E/status", { status: "in_progress" }, "mcp");
  await post("/agents/indexer/usage", { input_tokens: 12000, output_tokens: 3100, cost_usd: 0.42 });
  await post("/agents/ranker%3Cb%3Ex%3C%2Fb%3E/usage", { input_tokens: 400, cost_usd: 0.08 });
});

test("the timeline, its table and the usage show on the detail", async ({ hub, page, server, javaScriptEnabled }) => {
  await hub.goto(`/sessions?tab=monitor&session=${SESSION}`);
  if (javaScriptEnabled) await hub.waitForHydration();
  const timeline = page.getByRole("region", { name: "Timeline" });
  await expect(timeline.getByRole("img", { name: /^Timeline of 2 agents over / })).toBeVisible();
  await expect(timeline).toContainText("elapsed");
  await timeline.getByText("Time in each status (table)").click();
  const table = timeline.getByRole("table", { name: "Time in each status, per agent" });
  await expect(table.getByRole("columnheader", { name: "Blocked" })).toBeVisible();
  await expect(table.getByRole("row", { name: /indexer/ })).toContainText("3");
  await expect(table.getByRole("row", { name: /ranker<b>x<\/b>/ })).toBeVisible();

  const usage = page.getByRole("region", { name: "Usage" });
  await expect(usage.getByRole("row", { name: /^indexer/ })).toContainText("12,000");
  await expect(usage.getByRole("row", { name: /^Total/ })).toContainText("$0.50");
  // Agent-written ids stay text.
  await expect(page.locator("main b")).toHaveCount(0);
  if (!javaScriptEnabled) return;
  expect(await hub.seriousA11yViolations()).toEqual([]);

  // Live: a question asked now shows on the open timeline without a reload.
  await expect(timeline).toContainText(/· 0 question events/);
  const asked = await fetch(`${server.url}/api/sessions/${SESSION}/questions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ agent_id: "indexer", question: "Which schema?" }),
  });
  expect(asked.status).toBe(201);
  await expect(timeline).toContainText(/· 1 question event(?!s)/);
  await expect(timeline.locator("circle.timeline__marker title")).toHaveText([/Question asked · indexer: Which schema\?/]);
});

test("the list shows each session's cost and orders by it", async ({ hub, page, javaScriptEnabled }) => {
  await hub.goto("/sessions?tab=monitor");
  if (javaScriptEnabled) await hub.waitForHydration();
  await expect(hub.sessionList().getByRole("listitem").filter({ hasText: "Search" })).toContainText("Cost $0.50");
  await page.getByRole("combobox", { name: "Order" }).selectOption({ label: "Highest cost first" });
  await hub.applyFilters();
  await expect(page).toHaveURL(/sort=cost/);
  await expect
    .poll(() => hub.sessionList().locator(".session-row__link").allInnerTexts())
    .toEqual(["Search", "Docs"]);
});
