import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { test, expect } from "./fixtures/hub";
import { writeFiles, writeSession } from "./fixtures/server";
import { PROJECT } from "./fixtures/wizard";

// A finished Phase 1 leads to Phase 2: "Start next phase" opens the wizard with the same stub
// and roster, the next phase and Phase 1's outputs attached; the two sessions link both ways.

const PREVIOUS = "rate-limit-1767000000000";
test.use({
  serverOptions: {
    stubs: {
      "rate-limit": {
        id: "rate-limit",
        feature_name: "Rate limits",
        description: "Add rate limiting to the upload endpoint",
        agents_involved: ["Backend", "Tests"],
        phases: ["Phase 1: limiter", "Phase 2: dashboards"],
      },
    },
    projectFiles: PROJECT,
  },
});
test.beforeEach(async ({ server }) => {
  writeSession(server.sessionsDir, PREVIOUS, {
    stub_id: "rate-limit",
    feature_name: "Rate limits",
    description: "Add rate limiting to the upload endpoint",
    phase: "Phase 1: limiter",
    agents: [
      { agent_id: "backend", role: "Backend", status: "complete", output_file: "outputs/backend.md" },
      { agent_id: "tests", role: "Tests", status: "complete", depends_on: ["backend"] },
    ],
  });
  writeFiles(path.join(server.sessionsDir, PREVIOUS), { "outputs/backend.md": "# Token bucket done\n" });
});

test("Start next phase prefills the wizard, and the phases link both ways", async ({ hub, page, server }) => {
  await hub.goto(`/sessions?tab=monitor&session=${PREVIOUS}`);
  await hub.waitForHydration();
  const phases = page.getByRole("navigation", { name: "Phases" });
  await expect(phases).toContainText("Phase: Phase 1: limiter");
  await phases.getByRole("link", { name: "Start next phase" }).click();

  await hub.expectStep(1, "Stub and instructions", { focused: false });
  await expect(hub.stubField("Stub id")).toHaveValue("rate-limit");
  await expect(hub.stubField("Feature name")).toHaveValue("Rate limits");
  await expect(page).not.toHaveURL(/next_phase=/);
  await hub.next();
  await hub.expectStep(2, "Context and attachments");
  await expect(hub.attachmentList()).toContainText(`backend of ${PREVIOUS}: outputs/backend.md`);
  await hub.next();
  await hub.expectStep(3, "Agents");
  await expect(hub.role("backend")).toHaveValue("Backend");
  await expect(hub.role("tests")).toHaveValue("Tests");
  await hub.next();
  await hub.wizardButton("Generate Session").click();
  await hub.expectStep(5, "Complete");
  const id = (await page.locator(".wizard-complete__id").textContent())!;

  const communication = JSON.parse(readFileSync(path.join(server.sessionsDir, id, "communication.json"), "utf8"));
  expect(communication.phase).toBe("Phase 2: dashboards");
  expect(communication.previous_session).toBe(PREVIOUS);
  // The backend's Phase 1 output is pasted into its Phase 2 prompt.
  const prompt = readFileSync(path.join(server.sessionsDir, id, "agent-prompts", "agent-1.md"), "utf8");
  expect(prompt).toContain("Token bucket done");

  await hub.goto(`/sessions?tab=monitor&session=${id}`);
  await hub.waitForHydration();
  await expect(page.getByRole("navigation", { name: "Phases" })).toContainText("Phase: Phase 2: dashboards");
  await page.getByRole("navigation", { name: "Phases" }).getByRole("link", { name: /Phase 1: limiter/ }).click();
  await expect(page.getByRole("navigation", { name: "Phases" }).getByRole("link", { name: /Phase 2: dashboards/ })).toBeVisible();
  expect(readdirSync(server.sessionsDir).filter((n) => n.startsWith("rate-limit-"))).toHaveLength(2);
});
