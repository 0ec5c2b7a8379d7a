import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test, expect } from "./fixtures/hub";
import { HubServer, writeSession } from "./fixtures/server";

// The output viewer: a keyboard user opens any agent's output, reads it rendered, downloads it
// and gets back to where they were; hostile content never runs.

let server: HubServer;
const DETAIL = "/sessions?tab=monitor&session=auth-refactor-1767000000000";

test.beforeEach(async ({ hub, page }) => {
  server = await HubServer.start({ fixtures: true });
  hub.base = server.url;
  await page.addInitScript(() => {
    (window as any).__dialogs = 0;
    window.alert = () => ((window as any).__dialogs += 1);
  });
  page.on("dialog", () => {
    throw new Error("a browser dialog opened: agent output ran script");
  });
});

test.afterEach(async ({ page }) => {
  await page.close();
  await server.stop();
});

test("opens a focus-trapped modal that renders Markdown, and Escape returns focus", async ({ hub, page }) => {
  await hub.goto(DETAIL);
  await hub.waitForHydration();
  const opener = hub.viewOutputButton("agent-1");
  await opener.focus();
  await page.keyboard.press("Enter");

  const dialog = hub.outputDialog();
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAccessibleName("Output: agent-1");
  await expect(dialog).toHaveAttribute("aria-modal", "true");
  await expect(dialog.getByRole("button", { name: "Close" })).toBeFocused();
  await expect(dialog).toContainText("outputs/agent-1.md · Markdown");

  // GFM: a table, a task list, strikethrough, an autolink, highlighted code.
  await expect(dialog.getByRole("table")).toContainText("session.rs");
  await expect(dialog.getByRole("checkbox")).toHaveCount(3);
  await expect(dialog.getByRole("checkbox").first()).toBeChecked();
  await expect(dialog.locator("del")).toContainText("The shim stays forever");
  await expect(dialog.getByRole("link", { name: "https://example.com/design" })).toBeVisible();
  await expect(dialog.locator("pre [class*=hl-]").first()).toBeVisible();
  // Raw HTML and javascript: links are inert.
  expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
  await expect(dialog.locator("script, img[onerror], a[href^='javascript']")).toHaveCount(0);

  // Tab and Shift+Tab stay inside.
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press("Tab");
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  }
  await dialog.getByRole("button", { name: "Close" }).focus();
  await page.keyboard.press("Shift+Tab");
  expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);

  // The page behind does not scroll.
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).overflow)).toBe("hidden");

  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(opener).toBeFocused();
  await expect(page).not.toHaveURL(/output=/);
  expect(await page.evaluate(() => (window as any).__dialogs)).toBe(0);
});

test("Close returns focus; several files give a picker; JSON is highlighted", async ({ hub, page }) => {
  await hub.goto(DETAIL);
  await hub.waitForHydration();
  await hub.viewOutputButton("agent-2").click();
  const dialog = hub.outputDialog();
  await expect(dialog).toHaveAccessibleName("Output: agent-2");
  const picker = dialog.getByRole("combobox", { name: "Output file" });
  await expect(picker.getByRole("option")).toHaveText(["outputs/agent-2.md", "outputs/agent-2.json"]);
  await picker.selectOption("outputs/agent-2.json");
  await expect(dialog).toContainText("outputs/agent-2.json · JSON");
  await expect(dialog.locator(".json-key").first()).toHaveText('"form"');
  await expect(dialog.locator(".json-bool")).toHaveText("true");
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(hub.viewOutputButton("agent-2")).toBeFocused();
});

test("Download delivers the whole file", async ({ hub, page }) => {
  await hub.goto(DETAIL);
  await hub.waitForHydration();
  await hub.viewOutputButton("agent-1").click();
  const downloading = page.waitForEvent("download");
  await hub.outputDialog().getByRole("button", { name: "Download" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("agent-1.md");
  const saved = readFileSync(await download.path(), "utf8");
  expect(saved).toBe(readFileSync(path.join(server.sessionsDir, "auth-refactor-1767000000000/outputs/agent-1.md"), "utf8"));
  await expect(hub.outputDialog()).toBeVisible();
});

test("a file not written yet shows the placeholder, then the file once the agent writes it", async ({ hub }) => {
  await hub.goto(DETAIL);
  await hub.waitForHydration();
  await hub.viewOutputButton("agent-3").click();
  const dialog = hub.outputDialog();
  await expect(dialog).toContainText("Output file not yet created by agent.");
  await expect(dialog.getByRole("button", { name: "Download" })).toHaveCount(0);
  writeFileSync(path.join(server.sessionsDir, "auth-refactor-1767000000000/outputs/agent-3.md"), "# Tests\n\nAll green.\n");
  await expect(dialog.getByRole("heading", { name: "Tests" })).toBeVisible({ timeout: 5_000 });
});

test("an output path outside the session folder is refused with a clear message", async ({ hub }) => {
  writeSession(server.sessionsDir, "sneaky", {
    feature_name: "Sneaky",
    agents: [{ agent_id: "thief", status: "complete", output_file: "../../../../etc/passwd" }],
  });
  await expect.poll(async () => (await fetch(`${server.url}/api/sessions?id=sneaky`)).status).toBe(200);
  await hub.goto("/sessions?tab=monitor&session=sneaky");
  await hub.waitForHydration();
  await hub.viewOutputButton("thief").click();
  const alert = hub.outputDialog().getByRole("alert");
  await expect(alert).toContainText("leaves the session folder");
  await expect(alert).toContainText("--allow-output-root");
  await expect(hub.outputDialog()).not.toContainText("root:");
});

test("no serious accessibility violations with the dialog open", async ({ hub }) => {
  await hub.goto(`${DETAIL}&output=agent-1`);
  await hub.waitForHydration();
  await expect(hub.outputDialog()).toBeVisible();
  expect(await hub.seriousA11yViolations()).toEqual([]);
});

// XSS in agent output, in the browser: each vector would set window.__xss or open a dialog if any
// of it ran. (The Rust suite checks ~200 vectors in the rendered HTML; these run for real.)
const XSS = [
  "<script>window.__xss=1</script>",
  "<img src=x onerror=\"window.__xss=1\">",
  "<svg onload=\"window.__xss=1\"></svg>",
  "<svg><script>window.__xss=1</script></svg>",
  "<iframe src=\"javascript:parent.__xss=1\"></iframe>",
  "<iframe srcdoc=\"<script>parent.__xss=1</script>\"></iframe>",
  "<object data=\"javascript:window.__xss=1\"></object>",
  "<embed src=\"javascript:window.__xss=1\">",
  "<math><mtext><table><mglyph><style><img src=x onerror=\"window.__xss=1\">",
  "<details open ontoggle=\"window.__xss=1\">",
  "<body onload=\"window.__xss=1\">",
  "<input autofocus onfocus=\"window.__xss=1\">",
  "<video><source onerror=\"window.__xss=1\"></video>",
  "<a href=\"javascript:window.__xss=1\">j1</a>",
  "[j2](javascript:window.__xss=1)",
  "[j3](JaVaScRiPt:window.__xss=1)",
  "[j4](&#106;avascript:window.__xss=1)",
  "[j5](data:text/html,<script>window.__xss=1</script>)",
  "[j6](vbscript:msgbox(1))",
  "![i1](javascript:window.__xss=1)",
  "![i2](x \"onerror=window.__xss=1\")",
  "<a href=\"#\" onclick=\"window.__xss=1\">c1</a>",
  "<style>@import 'javascript:window.__xss=1';</style>",
  "<meta http-equiv=\"refresh\" content=\"0;url=javascript:window.__xss=1\">",
  "<form action=\"javascript:window.__xss=1\"><button>f1</button></form>",
  "<base href=\"javascript:window.__xss=1//\">",
  "<noscript><p title=\"</noscript><img src=x onerror=window.__xss=1>\">",
  "<template><img src=x onerror=\"window.__xss=1\"></template>",
  "`<img src=x onerror=window.__xss=1>`",
  "```html\n<script>window.__xss=1</script>\n```",
  "<scr<script>ipt>window.__xss=1</script>",
  "<<script>script>window.__xss=1<</script>/script>",
];

test("hostile Markdown runs nothing in the browser", async ({ hub, page }) => {
  // `![i2](x ...)` is a harmless relative image that does not exist.
  hub.allowConsoleErrors(/404/);
  writeSession(server.sessionsDir, "hostile", {
    feature_name: "Hostile",
    agents: [{ agent_id: "attacker", status: "complete", output_file: "out.md" }],
  });
  writeFileSync(path.join(server.sessionsDir, "hostile", "out.md"), XSS.join("\n\n") + "\n");
  await expect.poll(async () => (await fetch(`${server.url}/api/sessions?id=hostile`)).status).toBe(200);
  await hub.goto("/sessions?tab=monitor&session=hostile");
  await hub.waitForHydration();
  await hub.viewOutputButton("attacker").click();
  const dialog = hub.outputDialog();
  await expect(dialog).toContainText("j1");
  // Click every link the output kept and give any script a moment.
  for (const link of await dialog.locator(".output-dialog__body a").all()) {
    await link.click({ modifiers: ["Control"] }).catch(() => {});
  }
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
  expect(await page.evaluate(() => (window as any).__dialogs)).toBe(0);
  const body = dialog.locator(".output-dialog__body");
  await expect(body.locator("script, iframe, object, embed, svg, form, style, meta, base")).toHaveCount(0);
  await expect(body.locator("[onerror], [onload], [onclick], [onfocus], [ontoggle]")).toHaveCount(0);
});
