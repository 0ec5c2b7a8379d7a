import { test, expect } from "./fixtures/hub";
import type { Page } from "@playwright/test";

// The bundle is split (`cargo leptos build --split`): the Monitor tab's first load fetches no
// chunk, and the Create tab's code arrives when the tab is first shown, or before hydration
// when the page opens on it.

const createChunk = /\/pkg\/split_create_tab_\w+\.wasm$/;

function chunksFetched(page: Page): string[] {
  const urls: string[] = [];
  page.on("request", (request) => {
    if (/\/pkg\/split_\w+\.wasm$/.test(request.url())) urls.push(new URL(request.url()).pathname);
  });
  return urls;
}

test("the Monitor tab loads no chunk; the Create tab's arrives when it is first shown", async ({ hub, page }) => {
  const chunks = chunksFetched(page);
  await hub.goto("/sessions?tab=monitor");
  await hub.waitForHydration();
  await expect(hub.searchBox()).toBeVisible();
  expect(chunks, "the Monitor tab's first load").toEqual([]);

  await hub.tab("Create Session").click();
  await hub.expectSelected("Create Session");
  // The wizard, live: its validation runs in the chunk's code.
  await hub.stubOption("Describe a new stub").check();
  await hub.stubField("Stub id").fill("bad id");
  await hub.next();
  await hub.expectInvalid(hub.stubField("Stub id"), /cannot name a session folder/);
  expect(chunks.filter((url) => createChunk.test(url))).toHaveLength(1);

  // Back and forth: the chunk is fetched once.
  await hub.tab("Monitor Sessions").click();
  await hub.tab("Create Session").click();
  await expect(hub.stubField("Feature name")).toBeVisible();
  expect(chunks.filter((url) => createChunk.test(url))).toHaveLength(1);
});

test("a page that opens on the Create tab hydrates it with its chunk", async ({ hub, page }) => {
  const chunks = chunksFetched(page);
  await hub.goto("/sessions?tab=create");
  await hub.waitForHydration();
  expect(chunks.filter((url) => createChunk.test(url))).toHaveLength(1);
  await hub.stubOption("Describe a new stub").check();
  await hub.stubField("Stub id").fill("bad id");
  await hub.next();
  await hub.expectInvalid(hub.stubField("Stub id"), /cannot name a session folder/);
  // Hydrated in place, not rendered twice.
  await expect(page.getByRole("navigation", { name: "Wizard steps" })).toHaveCount(1);
});
