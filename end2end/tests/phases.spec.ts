import { test, expect } from "./fixtures/hub";

// "Group phases" shows each phase right under the one it continues, where the chain's most
// urgent phase would sit; the checkbox is a field of the filter form, so it works without JS.

const PHASE_1 = "rate-limit-1767000000000";
const PHASE_2 = "rate-limit-1767000100000";
const OTHER = "search-1767000050000";

test.use({
  serverOptions: {
    sessions: {
      [PHASE_1]: {
        feature_name: "Rate limits",
        phase: "Phase 1: limiter",
        agents: [{ agent_id: "backend", role: "Backend", status: "complete" }],
      },
      [OTHER]: {
        feature_name: "Search",
        agents: [{ agent_id: "indexer", role: "Indexer", status: "in_progress" }],
      },
      [PHASE_2]: {
        feature_name: "Rate limit dashboards <b>bold</b>",
        phase: "Phase 2: dashboards",
        previous_session: PHASE_1,
        agents: [{ agent_id: "ui", role: "UI", status: "blocked", notes: "needs the metrics" }],
      },
    },
  },
});

test("Group phases puts Phase 2 under Phase 1, and unchecking restores the order", async ({ hub, page, javaScriptEnabled, server }) => {
  await hub.goto("/sessions?tab=monitor");
  if (javaScriptEnabled) await hub.waitForHydration();
  const names = () => hub.sessionList().locator(".session-row__link").allInnerTexts();
  // Most urgent first: the blocked Phase 2, the running session, the finished Phase 1.
  await expect.poll(names).toEqual(["Rate limit dashboards <b>bold</b>", "Search", "Rate limits"]);

  const group = page.getByRole("checkbox", { name: "Group phases" });
  await expect(group).not.toBeChecked();
  await group.check();
  await hub.applyFilters();
  await expect(page).toHaveURL(/group=phases/);
  await expect.poll(names).toEqual(["Rate limits", "Rate limit dashboards <b>bold</b>", "Search"]);
  const phase2 = hub.sessionList().getByRole("listitem").filter({ hasText: "Phase 2: dashboards" });
  await expect(phase2).toContainText("Next phase of Rate limits");
  await expect(page.getByRole("checkbox", { name: "Group phases" })).toBeChecked();
  // Agent-written names stay text.
  await expect(page.locator(".session-list b")).toHaveCount(0);

  await page.getByRole("checkbox", { name: "Group phases" }).uncheck();
  await hub.applyFilters();
  await expect(page).not.toHaveURL(/group=phases/);
  await expect.poll(names).toEqual(["Rate limit dashboards <b>bold</b>", "Search", "Rate limits"]);
});
