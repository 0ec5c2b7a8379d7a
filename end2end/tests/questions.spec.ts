import { test, expect } from "./fixtures/hub";
import { HubServer, writeSession } from "./fixtures/server";

// Agents' questions on the Monitor tab. Runs with JavaScript on and off: without it the answer
// forms post and come back to the page.

let server: HubServer;

test.beforeEach(async ({ hub }) => {
  server = await HubServer.start();
  hub.base = server.url;
  writeSession(server.sessionsDir, "s", {
    feature_name: "Rate limits",
    agents: [
      { agent_id: "agent-1", role: "Backend", status: "in_progress" },
      { agent_id: "agent-3", role: "Tests", status: "in_progress" },
    ],
  });
  await expect.poll(async () => (await fetch(`${server.url}/api/sessions?id=s`)).status).toBe(200);
});

test.afterEach(async ({ page }) => {
  await page.close();
  await server.stop();
});

/** axe runs in the page, so only where scripts run. */
const hydrated = () => test.info().project.name === "hydrated";

async function ask(agent: string, question: string, choices: string[] = []) {
  const response = await fetch(`${server.url}/api/sessions/s/questions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ agent_id: agent, question, choices }),
  });
  expect(response.status).toBe(201);
  return (await response.json()).question as { id: string };
}

async function question(id: string) {
  return (await (await fetch(`${server.url}/api/sessions/s/questions/${id}`)).json()).question;
}

test("a question with choices is answered with its button from Needs you", async ({ hub, page }) => {
  const asked = await ask("agent-3", "Which database should the tests use?", ["SQLite", "Postgres"]);
  await hub.goto("/sessions?tab=monitor");
  const region = page.getByRole("region", { name: /Needs you/ });
  await expect(region).toContainText("Which database should the tests use?");
  await expect(region).toContainText("agent-3");
  await expect(region.getByRole("link", { name: "Rate limits" })).toHaveAttribute("href", /session=s$/);
  await expect(page).toHaveTitle(/^\(1\) Monitor Sessions/);
  await expect(hub.sessionList()).toContainText("1 needs input");
  if (hydrated()) expect(await hub.seriousA11yViolations()).toEqual([]);

  await region.getByRole("button", { name: "Postgres" }).click();
  await expect(region).toBeHidden();
  await expect(page).toHaveTitle(/^Monitor Sessions/);
  const answered = await question(asked.id);
  expect(answered.answer).toBe("Postgres");
  expect(answered.answered_by).toBe("hub UI");
});

test("a free-text question is answered with the Answer box and Send answer", async ({ hub, page }) => {
  const asked = await ask("agent-1", "What should the limit be per minute?");
  await hub.goto("/sessions?tab=monitor");
  const region = page.getByRole("region", { name: /Needs you/ });
  await region.getByRole("textbox", { name: "Answer" }).fill("  120 per client  ");
  await region.getByRole("button", { name: "Send answer" }).click();
  await expect(region).toBeHidden();
  expect((await question(asked.id)).answer).toBe("120 per client");
});

test("a question answered elsewhere first leaves Needs you, and a late answer is refused", async ({ hub, page }) => {
  // The refused answer is a 409 the browser logs.
  hub.allowConsoleErrors(/409/);
  const asked = await ask("agent-1", "Merge now?", ["yes", "no"]);
  await hub.goto("/sessions?tab=monitor");
  const region = page.getByRole("region", { name: /Needs you/ });
  await expect(region).toBeVisible();
  // Someone answers through the API before this page does.
  await fetch(`${server.url}/api/sessions/s/questions/${asked.id}/answer`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ answer: "no" }),
  });
  if (hydrated()) {
    // A live page drops it without a reload.
    await expect(region).toBeHidden({ timeout: 5_000 });
  } else {
    // A page without scripts still shows it; its answer comes back refused.
    await region.getByRole("button", { name: "yes" }).click();
    await expect(page.getByRole("alert")).toContainText("Your answer was not recorded: question");
    await expect(page.getByRole("alert")).toContainText("already answered");
    await expect(region).toBeHidden();
  }
  expect((await question(asked.id)).answer).toBe("no");
});

test("the detail shows who needs input, the status message, and every question with its answer", async ({ hub, page }) => {
  const first = await ask("agent-3", "Use the staging keys?", ["yes", "no"]);
  await fetch(`${server.url}/api/sessions/s/questions/${first.id}/answer`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ answer: "yes", answered_by: "dana" }),
  });
  await ask("agent-3", "And the production ones?", ["never", "later"]);
  await fetch(`${server.url}/api/sessions/s/agents/agent-1/status`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ status: "in_progress", message: "limiter wired, writing tests" }),
  });
  await hub.goto("/sessions?tab=monitor&session=s");
  await expect(hub.agentRow("agent-3")).toContainText("Needs input");
  await expect(hub.agentRow("agent-1")).not.toContainText("Needs input");
  await expect(hub.agentRow("agent-1")).toContainText("limiter wired, writing tests");
  const questions = page.getByRole("region", { name: "Questions" });
  await expect(questions).toContainText("Use the staging keys?");
  await expect(questions).toContainText("Answered: yes by dana");
  await expect(page).toHaveTitle(/^\(1\) Rate limits/);
  if (hydrated()) expect(await hub.seriousA11yViolations()).toEqual([]);

  await questions.getByRole("button", { name: "later" }).click();
  await expect(questions).toContainText("Answered: later");
  await expect(hub.agentRow("agent-3")).not.toContainText("Needs input");
});
