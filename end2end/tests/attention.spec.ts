import { test, expect } from "./fixtures/hub";
import path from "node:path";
import { HubServer, tempDir } from "./fixtures/server";
import { busyDay } from "./fixtures/attention";

// What needs me, at a glance: with JavaScript on and off, on a desktop and on a phone.

let server: HubServer;

test.beforeAll(async () => {
  const sessionsDir = path.join(tempDir("attention"), "sessions");
  busyDay(sessionsDir);
  server = await HubServer.start({ sessionsDir });
});

test.afterAll(async () => server.stop());

test.beforeEach(({ hub }) => {
  hub.base = server.url;
});

const MOST_URGENT_FIRST = ["Asks a question", "Blocked on credentials", "Fifty agents", "Went quiet"];

test("the list leads with what needs a person, most urgent first, and says why", async ({ hub, page }) => {
  await hub.goto("/sessions?tab=monitor");
  const links = hub.sessionList().getByRole("link");
  await expect(links).toHaveCount(20);
  expect((await links.allTextContents()).slice(0, 4)).toEqual(MOST_URGENT_FIRST);

  const row = (name: string) => hub.sessionList().getByRole("listitem").filter({ has: page.getByRole("link", { name, exact: true }) });
  await expect(row("Asks a question")).toContainText("Needs input");
  await expect(row("Asks a question")).toContainText("planner: Which database should the cache use?");
  const blocked = row("Blocked on credentials");
  await expect(blocked).toContainText("Blocked");
  await expect(blocked).toContainText("2 blocked");
  await expect(blocked).toContainText("deployer: needs the staging database password");
  await expect(blocked).toContainText("1 of 4 agents complete");
  await expect(row("Went quiet")).toContainText("2 stale");
  await expect(row("Waiting its turn")).toContainText("Waiting");
  // The agents' last activity, not the file's time.
  await expect(row("Went quiet")).toContainText("Active 2 min ago");
  await expect(row("All done")).toContainText("Complete");
  // Nothing leads with a status its own progress contradicts.
  await expect(blocked).not.toContainText("Not started");
});

test("the filter offers Needs attention and each attention, with counts that agree", async ({ hub, page }) => {
  await hub.goto("/sessions?tab=monitor");
  await expect(hub.statusFilter().getByRole("option")).toHaveText([
    "All sessions (20)",
    "Needs attention (4)",
    "Needs input (1)",
    "Blocked (2)",
    "Stale (1)",
    "Running (8)",
    "Waiting (1)",
    "Not started (0)",
    "Complete (7)",
    "Unreadable (0)",
    "Archived (0)",
  ]);
  await expect(page.getByRole("heading", { name: "Sessions (20)" })).toBeVisible();
  await hub.statusFilter().selectOption({ label: "Needs attention (4)" });
  await hub.applyFilters();
  await expect(page).toHaveURL(/status=needs_attention/);
  await expect(hub.sessionList().getByRole("link")).toHaveText(MOST_URGENT_FIRST);
  await expect(page.getByRole("heading", { name: "Sessions (4 of 20)" })).toBeVisible();

  await hub.statusFilter().selectOption({ label: "Waiting (1)" });
  await hub.applyFilters();
  await expect(hub.sessionList().getByRole("link")).toHaveText(["Waiting its turn"]);
});

test("newest first is one choice away", async ({ hub, page }) => {
  await hub.goto("/sessions?tab=monitor");
  await page.getByRole("combobox", { name: "Order" }).selectOption({ label: "Newest first" });
  await hub.applyFilters();
  await expect(page).toHaveURL(/sort=newest/);
  await expect(hub.sessionList().getByRole("link")).toHaveCount(20);
});

test("a blocked agent says why; waiting for another agent is not called blocked", async ({ hub, page }) => {
  await hub.goto("/sessions?tab=monitor&session=blocked");
  await expect(page.getByRole("heading", { level: 2, name: "Blocked on credentials" })).toBeVisible();
  await expect(page.locator(".detail-head__status")).toContainText("Blocked · 1 of 4 agents complete");
  await expect(hub.agentRow("deployer")).toContainText("needs the staging database password");
  // No status message: the agent's notes say why.
  await expect(hub.agentRow("docs")).toContainText("waiting for the API freeze");
  const tester = hub.agentRow("tester");
  await expect(tester).toContainText("Waiting");
  await expect(tester).toContainText("Waiting for deployer");
  await expect(tester).not.toContainText("Blocked");
  await expect(page.getByRole("region", { name: "Progress" })).toContainText("Blocked2");
});

test("the dependency graph of fifty agents draws every node and arrow, with a legend and a hint", async ({ hub, page }) => {
  await hub.goto("/sessions?tab=monitor&session=wide");
  const waves = page.getByRole("region", { name: "Execution waves" });
  await expect(waves.locator("svg .graph-node")).toHaveCount(50);
  await expect(waves.locator("svg text.graph__column")).toHaveCount(20);
  await expect(waves.getByText("20 waves: scroll sideways to see them all.")).toBeVisible();
  const legend = waves.getByRole("list", { name: "Legend" });
  for (const state of ["Blocked", "Running", "Waiting", "Complete"]) {
    await expect(legend.getByRole("listitem").filter({ hasText: state })).toHaveCount(1);
  }
  // One drawing: no second set of wave cards on screen.
  await expect(waves.locator(".wave")).toHaveCount(0);
});

for (const [size, viewport] of [
  ["a desktop", { width: 1440, height: 900 }],
  ["a phone", { width: 390, height: 844 }],
] as const) {
  test(`on ${size} the page fits its width and the urgent sessions are on the first screen`, async ({ hub, page }) => {
    await page.setViewportSize(viewport);
    await hub.goto("/sessions?tab=monitor");
    const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth).catch(() => null);
    if (fits !== null) expect(fits).toBe(true);
    for (const name of MOST_URGENT_FIRST.slice(0, 3)) {
      await expect(hub.sessionLink(name)).toBeInViewport();
    }
    await hub.goto("/sessions?tab=monitor&session=blocked");
    // Every status reads whole, on a phone too: the table turns into cards, nothing scrolls.
    await expect(hub.agentRow("tester").getByText("Waiting for deployer")).toBeVisible();
    const table = page.locator(".table-scroll");
    const clipped = await table.evaluate((el) => el.scrollWidth > el.clientWidth).catch(() => null);
    if (clipped !== null) expect(clipped).toBe(false);
  });
}
