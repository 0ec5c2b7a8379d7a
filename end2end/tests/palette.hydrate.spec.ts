import { test, expect } from "./fixtures/hub";
import { PROJECT, STUBS } from "./fixtures/wizard";

// Ctrl+K opens the command palette: typing narrows sessions, tabs and actions; arrows and
// Enter run one; Escape closes and gives focus back. `?` lists the shortcuts.

test.use({ serverOptions: { fixtures: true, stubs: STUBS, projectFiles: PROJECT } });

test("jump to a session, a tab and an action from the keyboard", async ({ hub, page, server }) => {
  await hub.goto("/sessions?tab=monitor");
  await hub.waitForHydration();
  await page.keyboard.press("Control+k");
  const palette = page.getByRole("dialog", { name: "Command palette" });
  await expect(palette).toBeVisible();
  const input = palette.getByRole("combobox", { name: "Go to a session, a tab or an action" });
  await expect(input).toBeFocused();
  await expect(palette.getByRole("option", { name: /^Auth refactor \(/ })).toBeVisible();
  expect(await hub.seriousA11yViolations()).toEqual([]);

  // Focus stays inside; Escape closes.
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press("Tab");
    expect(await palette.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  }
  await page.keyboard.press("Escape");
  await expect(palette).toHaveCount(0);

  // Type to a session and open it with Enter.
  await page.keyboard.press("Control+k");
  await input.fill("auth-refactor-1767");
  await expect(palette.getByRole("option")).toHaveCount(1);
  await expect(input).toHaveAttribute("aria-activedescendant", "palette-option-0");
  await expect(palette.getByRole("option").first()).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/session=auth-refactor-1767000000000/);
  await expect(page.getByRole("heading", { level: 2, name: "Auth refactor" })).toBeVisible();

  // An action on the open session: archive opens its confirmation.
  await page.keyboard.press("Control+k");
  await input.fill("archive this");
  await page.keyboard.press("Enter");
  await expect(hub.confirmDialog()).toHaveAccessibleName("Archive this session?");
  await page.keyboard.press("Escape");

  // A tab, with the arrow keys.
  await page.keyboard.press("Control+k");
  await input.fill("go to");
  await expect(palette.getByRole("option")).toHaveCount(2);
  await page.keyboard.press("ArrowDown");
  await expect(palette.getByRole("option", { name: /Go to Monitor Sessions/ })).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("Enter");
  await hub.expectSelected("Create Session");
});

test("start a session from a stub, and ? lists the shortcuts", async ({ hub, page, server }) => {
  await hub.goto("/sessions?tab=create");
  await hub.waitForHydration();
  await page.getByRole("button", { name: /Commands/ }).click();
  const palette = page.getByRole("dialog", { name: "Command palette" });
  await palette.getByRole("combobox").fill("stub auth");
  await palette.getByRole("option", { name: /Start a session from the stub Auth refactor/ }).click();
  await expect(page).toHaveURL(/session=AUTH-7-\d+/);
  await expect(page.getByRole("region", { name: "Start the agents" })).toBeVisible();

  await page.locator("body").press("?");
  const shortcuts = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(shortcuts.getByRole("row", { name: /Ctrl\+K/ })).toBeVisible();
  expect(await hub.seriousA11yViolations()).toEqual([]);
  await shortcuts.getByRole("button", { name: "Close" }).click();
  await expect(shortcuts).toHaveCount(0);
});
