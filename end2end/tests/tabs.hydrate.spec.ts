import { test, expect } from "./fixtures/hub";

// Needs the WASM bundle: these fail if the release build does not hydrate.

test("the release bundle hydrates", async ({ hub, page }) => {
  const wasm = page.waitForResponse((r) => r.url().endsWith(".wasm"));
  await hub.goto("/sessions");
  expect((await wasm).status()).toBe(200);
  await hub.waitForHydration();
});

test("choosing a tab pushes history without a reload; back and forward switch tabs", async ({ hub, page }) => {
  await hub.goto("/sessions");
  await hub.waitForHydration();
  await page.evaluate(() => ((window as any).__sameDocument = true));

  await hub.tab("Monitor Sessions").click();
  await expect(page).toHaveURL(/\?tab=monitor$/);
  await hub.expectSelected("Monitor Sessions");

  await page.goBack();
  await expect(page).toHaveURL(/\/sessions$/);
  await hub.expectSelected("Create Session");

  await page.goForward();
  await expect(page).toHaveURL(/\?tab=monitor$/);
  await hub.expectSelected("Monitor Sessions");

  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
});

test("arrow keys, Home and End move between tabs with a roving tabindex", async ({ hub, page }) => {
  await hub.goto("/sessions?tab=create");
  await hub.waitForHydration();
  const create = hub.tab("Create Session");
  const monitor = hub.tab("Monitor Sessions");
  await expect(create).toHaveAttribute("tabindex", "0");
  await expect(monitor).toHaveAttribute("tabindex", "-1");

  await create.focus();
  await page.keyboard.press("ArrowRight");
  await hub.expectSelected("Monitor Sessions");
  await expect(monitor).toBeFocused();
  await expect(page).toHaveURL(/\?tab=monitor$/);
  await expect(monitor).toHaveAttribute("tabindex", "0");
  await expect(create).toHaveAttribute("tabindex", "-1");

  await page.keyboard.press("ArrowRight"); // wraps around
  await hub.expectSelected("Create Session");
  await expect(create).toBeFocused();

  await page.keyboard.press("End");
  await hub.expectSelected("Monitor Sessions");
  await page.keyboard.press("Home");
  await hub.expectSelected("Create Session");
  await page.keyboard.press("ArrowLeft");
  await hub.expectSelected("Monitor Sessions");
  await expect(monitor).toBeFocused();

  // Tab leaves the tablist for the panel instead of visiting the other tab.
  await page.keyboard.press("Tab");
  await expect(hub.panel("Monitor Sessions")).toBeFocused();
});

test("light and dark themes follow the system preference", async ({ hub, page }) => {
  const background = () =>
    page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  await page.emulateMedia({ colorScheme: "light" });
  await hub.goto("/sessions");
  const light = await background();
  await page.emulateMedia({ colorScheme: "dark" });
  const dark = await background();
  expect(light).not.toEqual(dark);
});
