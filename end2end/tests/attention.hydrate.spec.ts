import { test, expect } from "./fixtures/hub";
import path from "node:path";
import { HubServer, tempDir, writeSession } from "./fixtures/server";
import { busyDay, minutesAgo } from "./fixtures/attention";

// The attention-first Monitor once hydrated: keys, the graph's geometry, a stale agent noticed
// live, and accessibility at both sizes.

let server: HubServer;

test.beforeAll(async () => {
  const sessionsDir = path.join(tempDir("attention-live"), "sessions");
  busyDay(sessionsDir);
  // Short enough to watch an agent go stale during a test.
  server = await HubServer.start({ sessionsDir, args: ["--stale-after", "3s"] });
});

test.afterAll(async () => server.stop());

test.beforeEach(({ hub }) => {
  hub.base = server.url;
});

test("/ focuses the search, j and k move between sessions, Enter opens one", async ({ hub, page }) => {
  await hub.goto("/sessions?tab=monitor");
  await hub.waitForHydration();
  await page.keyboard.press("/");
  await expect(hub.searchBox()).toBeFocused();
  await hub.searchBox().blur();
  await page.keyboard.press("j");
  await expect(hub.sessionLink("Asks a question")).toBeFocused();
  await page.keyboard.press("j");
  await expect(hub.sessionLink("Blocked on credentials")).toBeFocused();
  await page.keyboard.press("k");
  await expect(hub.sessionLink("Asks a question")).toBeFocused();
  await page.keyboard.press("j");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 2, name: "Blocked on credentials" })).toBeVisible();
});

test("no arrow of the fifty-agent graph crosses a node, and a click on a node selects its agent", async ({ hub, page }) => {
  await hub.goto("/sessions?tab=monitor&session=wide");
  await hub.waitForHydration();
  const crossings = await page.locator(".graph svg").evaluate((svg) => {
    const nodes = [...svg.querySelectorAll(".graph-node")].map((g) => {
      const rect = g.querySelector("rect") as SVGRectElement;
      const id = (g.querySelector(".graph-node__id") as SVGTextElement).textContent ?? "";
      return { id, x: rect.x.baseVal.value, y: rect.y.baseVal.value, w: rect.width.baseVal.value, h: rect.height.baseVal.value };
    });
    const edges = [...svg.querySelectorAll("path.graph__edge")] as SVGPathElement[];
    const found: string[] = [];
    for (const edge of edges) {
      const length = edge.getTotalLength();
      const start = edge.getPointAtLength(0);
      const end = edge.getPointAtLength(length);
      for (let at = 0; at <= length; at += 2) {
        const p = edge.getPointAtLength(at);
        for (const n of nodes) {
          const inside = p.x > n.x && p.x < n.x + n.w && p.y > n.y && p.y < n.y + n.h;
          const ownEnd = (Math.abs(start.y - (n.y + n.h / 2)) < 1 && Math.abs(start.x - (n.x + n.w)) < 3) ||
            (Math.abs(end.y - (n.y + n.h / 2)) < 1 && Math.abs(end.x - n.x) < 3);
          if (inside && !ownEnd) found.push(`${n.id} at ${p.x.toFixed(0)},${p.y.toFixed(0)}`);
        }
      }
    }
    return { edges: edges.length, found };
  });
  expect(crossings.edges).toBeGreaterThan(80);
  expect(crossings.found).toEqual([]);

  await page.locator(".graph-node", { hasText: "w-14" }).click();
  await expect(page).toHaveURL(/#agent-15$/);
  const row = hub.agentRow("w-14");
  await expect(row).toBeInViewport();
  await expect(row).toHaveCSS("outline-style", "solid");
});

test("an agent that goes quiet turns the session stale without a reload", async ({ hub, page }) => {
  writeSession(server.sessionsDir, "going-quiet", {
    feature_name: "Going quiet",
    agents: [{ agent_id: "worker", status: "in_progress", updated_at: minutesAgo(0) }],
  });
  await hub.goto("/sessions?tab=monitor");
  await hub.waitForHydration();
  const row = hub.sessionList().getByRole("listitem").filter({ has: page.getByRole("link", { name: "Going quiet" }) });
  await expect(row).toContainText("Running");
  await expect(row).toContainText("Stale", { timeout: 8_000 });
  await expect(row).toContainText("1 stale");
  // The API says the same, most urgent first when asked.
  const body = await (await fetch(`${server.url}/api/sessions?sort=attention`)).json();
  const quiet = body.sessions.find((s: { id: string }) => s.id === "going-quiet");
  expect(quiet.attention).toBe("stale");
  expect(body.sessions[0].attention).toBe("needs_input");
});

for (const [size, viewport] of [
  ["desktop", { width: 1440, height: 900 }],
  ["phone", { width: 390, height: 844 }],
] as const) {
  test(`no accessibility violation on the ${size}: list, detail and the wide graph`, async ({ hub, page }) => {
    await page.setViewportSize(viewport);
    for (const where of ["/sessions?tab=monitor", "/sessions?tab=monitor&session=blocked", "/sessions?tab=monitor&session=wide"]) {
      await hub.goto(where);
      await hub.waitForHydration();
      expect(await hub.seriousA11yViolations(), where).toEqual([]);
    }
  });
}
