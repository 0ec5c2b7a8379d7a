import { test, expect } from "./fixtures/hub";
import { HubServer, writeFiles } from "./fixtures/server";
import { PROJECT, STRONG_MATCH, STUBS, completeStepOne, generateSession, openWizard, waitForDiscovery } from "./fixtures/wizard";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

// The Create tab's wizard, hydrated, on a server of its own with stubs and a small project.

let server: HubServer;
test.beforeAll(async () => {
  server = await HubServer.start({ stubs: STUBS, projectFiles: PROJECT });
});
test.afterAll(async () => server.stop());
test.beforeEach(async ({ hub }) => {
  hub.base = server.url;
});

test("the happy path: from a stub to Monitor this session, accessible at every step", async ({ hub, page }) => {
  await openWizard(hub);
  expect(await hub.seriousA11yViolations(), "step 1").toEqual([]);

  // Step 1: the stub fills the fields; an unusable stub is listed, disabled, with its error.
  await expect(hub.stubOption(/broken/)).toBeDisabled();
  await expect(page.getByText(/stub\.json/)).toBeVisible();
  await hub.stubOption(/Auth refactor/).check();
  await expect(hub.stubField("Stub id")).toHaveValue("AUTH-7");
  await expect(hub.stubField("Description")).toHaveValue("Rotate session tokens on refresh");
  await hub.addBlock("Move the session store behind a trait.");
  await hub.addBlock("No new dependencies.", "Constraint");
  await expect(hub.blockType(2)).toHaveValue("constraint");
  await hub.next();

  // Step 2: discovery pre-selects the strong match only; adjust, attach a file and a text.
  await hub.expectStep(2, "Context and attachments");
  await waitForDiscovery(hub);
  await expect(hub.contextFile(STRONG_MATCH)).toBeChecked();
  await expect(hub.contextFile("docs/auth.md")).not.toBeChecked();
  await expect(page.getByRole("row", { name: new RegExp(STRONG_MATCH) })).toContainText(/rust/);
  await expect(page.getByRole("row", { name: new RegExp(STRONG_MATCH) })).toContainText(/session, tokens/);
  await expect(page.getByText(/Keywords: rotate, session, tokens, refresh/)).toBeVisible();
  await hub.contextFile("docs/auth.md").check();
  await hub.addAttachment({ path: "docs/auth.md", name: "Auth notes" });
  await hub.addAttachment({ text: "CREATE TABLE sessions (token TEXT);", name: "schema.sql" });
  await expect(hub.attachmentList().getByRole("listitem")).toHaveCount(2);
  expect(await hub.seriousA11yViolations(), "step 2").toEqual([]);
  await hub.next();

  // Step 3: the roster comes from the stub's agents_involved, its names become the agent ids,
  // and dependencies are offered by name and role.
  await hub.expectStep(3, "Agents");
  await expect(hub.agentCount()).toHaveValue("2");
  await expect(hub.role("backend")).toHaveValue("Backend: the session store");
  await expect(hub.role("tests")).toHaveValue("Tests");
  await expect(hub.agent("tests").getByRole("group", { name: "Depends on" }).getByRole("checkbox")).toHaveAccessibleName("backend · Backend: the session store");
  await hub.agentCheck("tests", "Depends on", "backend").check();
  await hub.agentCheck("backend", "Attachments", "Auth notes").check();
  await hub.agentCheck("tests", "Attachments", "schema.sql").check();
  const waves = page.getByRole("list", { name: "2 execution waves" });
  await expect(waves.getByRole("listitem").filter({ hasText: "Wave 1" })).toContainText("backend");
  await expect(waves.getByRole("listitem").filter({ hasText: "Wave 2" })).toContainText("tests");
  // The same drawing as a session's detail.
  await expect(page.locator(".graph svg .graph-node")).toHaveCount(2);
  await expect(page.locator(".graph svg path.graph__edge")).toHaveCount(1);
  expect(await hub.seriousA11yViolations(), "step 3").toEqual([]);
  await hub.next();

  // Step 4: the summary and the size of the context package.
  await hub.expectStep(4, "Generate");
  await expect(page.locator(".summary")).toContainText("Auth refactor");
  await expect(page.locator(".summary")).toContainText("2 in 2 waves");
  await expect(page.locator(".package-size")).toContainText(/2 project files and 1 pasted text: \d+ lines, .*about \d+ tokens/);
  expect(await hub.seriousA11yViolations(), "step 4").toEqual([]);
  await hub.wizardButton("Generate Session").click();

  // Step 5: the session is on disk, with one line per agent.
  await hub.expectStep(5, "Complete");
  const id = (await page.locator(".wizard-complete__id").textContent())!;
  expect(id).toMatch(/^AUTH-7-\d+$/);
  for (const file of ["communication.json", "instructions.json", "context-backbone.md", "agent-prompts/agent-1.md", "agent-prompts/agent-2.md"]) {
    await expect(page.locator(".file-list")).toContainText(file);
    expect(existsSync(path.join(server.sessionsDir, id, file)), file).toBe(true);
  }
  const backbone = readFileSync(path.join(server.sessionsDir, id, "context-backbone.md"), "utf8");
  expect(backbone).toContain(STRONG_MATCH);
  await expect(page.locator(".one-liner")).toHaveCount(2);
  await expect(page.locator(".one-liner").first()).toContainText(`in session ${id}`);
  expect(await hub.seriousA11yViolations(), "step 5").toEqual([]);

  // Monitor this session: its detail, and the list has it.
  await hub.wizardButton("Monitor this session").click();
  await expect(page).toHaveURL(new RegExp(`tab=monitor&session=${id}$`));
  await hub.expectSelected("Monitor Sessions");
  await expect(page.getByRole("heading", { name: "Auth refactor" })).toBeVisible();
  await page.getByRole("link", { name: "← All sessions" }).click();
  await expect(hub.sessionLink("Auth refactor")).toBeVisible();
});

test("step 1 refuses Next without a stub, without a block and with an empty block", async ({ hub, page }) => {
  await openWizard(hub);

  // Nothing at all: one message for the stub, one for the blocks; focus on the first.
  await hub.next();
  const stubGroup = page.getByRole("group", { name: "Stub", exact: true });
  await expect(stubGroup).toHaveAccessibleDescription(/Choose a stub, or describe one/);
  await expect(hub.stubOption(/Auth refactor/)).toBeFocused();
  await hub.expectInvalid(hub.wizardButton("Add instruction block"), /Add at least one instruction block/);
  await expect(hub.currentStep()).toContainText("Stub and instructions");

  // An ad-hoc stub with a bad id and nothing else.
  await hub.stubOption("Describe a new stub").check();
  await hub.stubField("Stub id").fill("bad id");
  await hub.next();
  await hub.expectInvalid(hub.stubField("Stub id"), /cannot name a session folder/);
  await expect(hub.stubField("Stub id")).toBeFocused();
  await hub.expectInvalid(hub.stubField("Feature name"), /Give the feature a name/);
  await hub.expectInvalid(hub.stubField("Description"), /Describe the feature/);

  // Messages follow the fixes.
  await hub.stubField("Stub id").fill("NEW-1");
  await expect(hub.stubField("Stub id")).not.toHaveAttribute("aria-invalid", "true");
  await hub.stubField("Feature name").fill("Dark mode");
  await hub.stubField("Description").fill("Add a dark theme to the settings page");

  // An empty block.
  await hub.wizardButton("Add instruction block").click();
  await expect(hub.blockText(1)).toBeFocused();
  await hub.next();
  await hub.expectInvalid(hub.blockText(1), /This block is empty/);
  await expect(hub.blockText(1)).toBeFocused();
  await expect(page.getByText("Fix the marked field to go on.")).toBeVisible();

  // Removing it brings the "no block" message back; a filled block passes.
  await page.getByRole("button", { name: "Remove block 1" }).click();
  await hub.expectInvalid(hub.wizardButton("Add instruction block"), /Add at least one/);
  await hub.addBlock("Follow the theme tokens.", "Guideline");
  await hub.next();
  await hub.expectStep(2, "Context and attachments");
});

test("step 2 refuses a bad attachment next to its field", async ({ hub, page }) => {
  // The server's "no such file" answers are 400s, which the browser logs.
  hub.allowConsoleErrors(/the server responded with a status of 400/);
  await openWizard(hub);
  await completeStepOne(hub);
  const form = page.getByRole("group", { name: "Add an attachment" });
  const pathInput = form.getByLabel("Path in the project");

  for (const [bad, message] of [
    ["../secret.txt", /leaves the project root/],
    ["/etc/passwd", /is absolute/],
    ["missing.md", /does not exist in the project root/],
    ["docs", /not a regular file/],
  ] as const) {
    await hub.addAttachment({ path: bad });
    await hub.expectInvalid(pathInput, message);
    await expect(pathInput).toBeFocused();
    await expect(pathInput).toHaveValue(bad);
  }
  await hub.addAttachment({ text: "   " });
  await hub.expectInvalid(form.getByLabel("Text to attach"), /Paste the text to attach/);

  // Good ones are listed; the same file twice is refused; remove and clear.
  await hub.addAttachment({ path: "./docs//auth.md" });
  await expect(hub.attachmentList()).toContainText("docs/auth.md");
  await hub.addAttachment({ path: "docs/auth.md" });
  await hub.expectInvalid(pathInput, /attached already/);
  await hub.addAttachment({ text: "a log line", name: "Log" });
  await expect(hub.attachmentList().getByRole("listitem")).toHaveCount(2);
  await hub.attachmentList().getByRole("button", { name: "Remove Log" }).click();
  await expect(hub.attachmentList().getByRole("listitem")).toHaveCount(1);
  await hub.wizardButton("Clear attachments").click();
  await expect(page.getByText("No attachments.")).toBeVisible();
  await hub.next();
  await hub.expectStep(3, "Agents");
});

test("step 3: an empty role, a cycle naming its agents, an overlap warning", async ({ hub, page }) => {
  await openWizard(hub);
  await completeStepOne(hub);
  await hub.addAttachment({ path: "docs/auth.md", name: "Auth notes" });
  await hub.next();
  await hub.expectStep(3, "Agents");

  await hub.role("backend").fill("");
  await hub.next();
  await hub.expectInvalid(hub.role("backend"), "Give backend a role.");
  await expect(hub.role("backend")).toBeFocused();
  await hub.role("backend").fill("Backend");

  // A cycle: no waves, and Next names both agents.
  await hub.agentCheck("backend", "Depends on", "tests").check();
  await hub.agentCheck("tests", "Depends on", "backend").check();
  await expect(page.getByText(/No waves: dependency cycle: backend -> tests -> backend/)).toBeVisible();
  await hub.next();
  // The message sits on the dependencies that make the cycle, not on the number of agents.
  const dependencies = hub.agent("backend").getByRole("group", { name: "Depends on" });
  await hub.expectInvalid(dependencies, /The agents backend and tests wait for each other in a cycle/);
  await expect(hub.agentCount()).not.toHaveAttribute("aria-invalid", "true");
  await hub.agentCheck("tests", "Depends on", "backend").uncheck();
  await expect(dependencies).not.toHaveAttribute("aria-invalid", "true");

  // Same wave, same attachment: a warning, not an error.
  await hub.agentCheck("backend", "Depends on", "tests").uncheck();
  await hub.agentCheck("backend", "Attachments", "Auth notes").check();
  await hub.agentCheck("tests", "Attachments", "Auth notes").check();
  await expect(page.getByText(/backend and tests both get the attachment "Auth notes" in wave 1/)).toBeVisible();
  await hub.agentCheck("tests", "Depends on", "backend").check();
  await expect(page.getByText(/both get the attachment/)).toHaveCount(0);

  // More agents: numbered on, roles empty until typed.
  await hub.agentCount().fill("3");
  await expect(hub.role("agent-3")).toHaveValue("");
  await hub.next();
  await hub.expectInvalid(hub.role("agent-3"), /Give agent-3 a role/);
  await hub.agentCount().fill("2");
  await hub.next();
  await hub.expectStep(4, "Generate");
});

test("the draft survives a tab switch and a reload", async ({ hub, page }) => {
  await openWizard(hub);
  await completeStepOne(hub, "Keep this task.");
  await waitForDiscovery(hub);
  await hub.contextFile("docs/auth.md").check();

  await hub.tab("Monitor Sessions").click();
  await hub.expectSelected("Monitor Sessions");
  await hub.tab("Create Session").click();
  await hub.expectStep(2, "Context and attachments", { focused: false });
  await expect(hub.contextFile("docs/auth.md")).toBeChecked();

  await page.reload();
  await hub.waitForHydration();
  await hub.expectStep(2, "Context and attachments", { focused: false });
  // Restored results: no second scan needed, the selection is the user's.
  await expect(hub.contextFile("docs/auth.md")).toBeChecked();
  await expect(hub.contextFile(STRONG_MATCH)).toBeChecked();
  await hub.back();
  await hub.expectStep(1, "Stub and instructions");
  await expect(hub.blockText(1)).toHaveValue("Keep this task.");
  await expect(hub.stubOption(/Auth refactor/)).toBeChecked();
});

test("copy buttons say Copied and put the line on the clipboard; Create another starts afresh", async ({ hub, page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await openWizard(hub);
  await generateSession(hub);

  const first = page.locator(".one-liner").first();
  const line = (await first.locator("code").textContent())!;
  await first.getByRole("button", { name: "Copy the line for backend" }).click();
  await expect(first.getByRole("button", { name: "Copied the line for backend" })).toBeVisible();
  await expect(first.getByRole("status")).toHaveText("Copied the line for backend to the clipboard.");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(line);
  // The label goes back after a moment.
  await expect(first.getByRole("button", { name: "Copy the line for backend" })).toBeVisible({ timeout: 6_000 });

  // Create another: an empty draft, also after a reload.
  await hub.wizardButton("Create another").click();
  await hub.expectStep(1, "Stub and instructions");
  await expect(hub.stubOption(/Auth refactor/)).not.toBeChecked();
  await expect(hub.stubField("Stub id")).toHaveValue("");
  await page.reload();
  await hub.waitForHydration();
  await hub.expectStep(1, "Stub and instructions", { focused: false });
  await expect(page.getByLabel(/^Block \d+ text$/)).toHaveCount(0);
});

test("a failed generation shows the error and keeps every input", async ({ hub, page }) => {
  hub.allowConsoleErrors(/the server responded with a status of 400/);
  const doomed = "src/session_tokens_doomed.rs";
  writeFiles(server.projectRoot!, { [doomed]: "// session tokens rotate on refresh\n" });
  await openWizard(hub);
  await completeStepOne(hub, "Survive a failure.");
  await waitForDiscovery(hub);
  await hub.contextFile(doomed).check();
  await hub.next();
  await hub.next();
  await hub.expectStep(4, "Generate");

  // The file goes away before the session is written: the server refuses, writes nothing.
  rmSync(path.join(server.projectRoot!, doomed));
  await hub.wizardButton("Generate Session").click();
  const alert = page.getByRole("alert").filter({ hasText: "The session was not created" });
  await expect(alert).toContainText(/session_tokens_doomed\.rs.*does not exist/);
  await expect(hub.wizardButton("Generate Session")).toHaveAccessibleDescription(/The session was not created/);
  await hub.expectStep(4, "Generate", { focused: false });

  await hub.back();
  await hub.expectStep(3, "Agents");
  await hub.back();
  await expect(hub.contextFile(doomed)).toBeChecked();
  await hub.contextFile(doomed).uncheck();
  await hub.back();
  await expect(hub.blockText(1)).toHaveValue("Survive a failure.");
});

test.describe("a scan out of time", () => {
  let slow: HubServer;
  test.beforeAll(async () => {
    // --scan-budget 1ns: every scan stops at its first file, as a huge project would at 10 s.
    slow = await HubServer.start({ stubs: STUBS, projectFiles: PROJECT, args: ["--scan-budget", "1ns"] });
  });
  test.afterAll(async () => slow.stop());

  test("says its results are partial and offers to scan again", async ({ hub, page }) => {
    hub.base = slow.url;
    await openWizard(hub);
    await completeStepOne(hub);
    await expect(page.getByText(/Partial results: the scan stopped early \(cancelled or out of time\)/)).toBeVisible({ timeout: 15_000 });
    await expect(hub.contextFile(STRONG_MATCH)).toHaveCount(0);
    await expect(hub.wizardButton("Scan again")).toBeVisible();
    // Partial context is no mistake: the user may go on with what was found.
    await hub.next();
    await hub.expectStep(3, "Agents");
  });
});

test("fewer actions: attach from a file's row, filter the files, click a visited step, Edit from the summary", async ({ hub, page }) => {
  await openWizard(hub);
  await completeStepOne(hub);
  await waitForDiscovery(hub);

  // Step 2: a filter and "top N" over the files; one click attaches a file from its row.
  await page.getByRole("searchbox", { name: "Filter files" }).fill("docs/");
  await expect(hub.contextFile("docs/auth.md")).toBeVisible();
  await expect(hub.contextFile(STRONG_MATCH)).toHaveCount(0);
  await page.getByRole("searchbox", { name: "Filter files" }).fill("");
  await expect(page.getByRole("combobox", { name: "Show" }).getByRole("option")).toHaveText(["Top 10", "Top 25", /^All \d+$/]);
  await page.getByRole("button", { name: "Attach auth.md" }).click();
  await expect(hub.attachmentList().getByRole("listitem")).toContainText(["auth.md"]);
  await expect(page.getByRole("button", { name: "Attach auth.md" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Attach auth.md" })).toHaveText("Attached");
  await hub.next();
  await hub.expectStep(3, "Agents");
  await hub.next();
  await hub.expectStep(4, "Generate");

  // A visited step is one click away in the indicator, and so is the way back.
  const steps = page.getByRole("navigation", { name: "Wizard steps" });
  await steps.getByRole("button", { name: /Context and attachments/ }).click();
  await hub.expectStep(2, "Context and attachments");
  await expect(hub.attachmentList().getByRole("listitem")).toHaveCount(1);
  await steps.getByRole("button", { name: /Generate/ }).click();
  await hub.expectStep(4, "Generate");
  await expect(steps.getByRole("button", { name: /Complete/ })).toHaveCount(0);

  // Step 4: the prompt an agent will get, as the server would write it.
  const preview = page.getByLabel("Prompt preview");
  await expect(preview).toContainText("Move the session store behind a trait.");
  await expect(preview).toContainText("# backend: Backend: the session store");
  await expect(preview).toContainText("You are **backend**, agent 1 of 2 in session `AUTH-7-");
  await page.getByRole("combobox", { name: "Prompt of" }).selectOption({ label: "tests" });
  await expect(preview).toContainText("# tests: Tests");
  expect(await hub.seriousA11yViolations(), "step 4 with the preview").toEqual([]);

  // Step 4: Edit beside each part goes to the step that holds it.
  await page.getByRole("button", { name: "Edit agents" }).click();
  await hub.expectStep(3, "Agents");
  await steps.getByRole("button", { name: /Generate/ }).click();
  await page.getByRole("button", { name: "Edit instruction blocks" }).click();
  await hub.expectStep(1, "Stub and instructions");
});

test("agents connected through MCP get prompts and one-liners that teach the hub's tools", async ({ hub, page }) => {
  await openWizard(hub);
  await completeStepOne(hub);
  await waitForDiscovery(hub);
  await hub.next();
  await hub.expectStep(3, "Agents");
  const reporting = page.getByRole("group", { name: "How the agents report" });
  await expect(reporting.getByRole("radio", { name: "Shell commands" })).toBeChecked();
  await reporting.getByRole("radio", { name: "MCP tools" }).check();
  await hub.agentCheck("tests", "Depends on", "backend").check();
  expect(await hub.seriousA11yViolations(), "step 3 with the choice").toEqual([]);
  await hub.next();
  await hub.expectStep(4, "Generate");
  await expect(page.getByText("Agents report with")).toBeVisible();
  await expect(page.locator(".summary dd", { hasText: "MCP tools" }).first()).toBeVisible();

  const preview = page.getByLabel("Prompt preview");
  await page.getByRole("combobox", { name: "Prompt of" }).selectOption({ label: "tests" });
  await expect(preview).toContainText("with the MCP tool `wait_for`");
  await expect(preview).toContainText('"deps_of": "tests"');
  await expect(preview).toContainText("`ask_human`");
  await expect(preview).not.toContainText("hub wait ");

  await hub.wizardButton("Generate Session").click();
  await hub.expectStep(5, "Complete");
  const start = page.getByRole("region", { name: "Start the agents" });
  await expect(start.locator(".one-liner").last()).toContainText("Use the sessions-hub MCP tools: get_assignment first, wait_for");
  const connect = page.getByRole("region", { name: "Connect the agent CLIs" });
  await expect(connect.getByRole("listitem")).toHaveCount(2);
  await expect(connect.getByRole("listitem").first()).toContainText(/hub integrate claude-code --session AUTH-7-\d+ --agent backend --sessions-dir .* --write/);
  await expect(connect.getByRole("button", { name: "Copy the connect command for tests" })).toBeVisible();
  expect(await hub.seriousA11yViolations(), "the Complete step of an MCP session").toEqual([]);
});

test("on a phone the steps read as one line, Step 2 of 5", async ({ hub, page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openWizard(hub);
  await completeStepOne(hub);
  const steps = page.getByRole("navigation", { name: "Wizard steps" });
  await expect(steps.getByText("Step 2 of 5: Context and attachments")).toBeVisible();
  await expect(steps.getByRole("list")).toBeHidden();
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  expect(await hub.seriousA11yViolations()).toEqual([]);
});
