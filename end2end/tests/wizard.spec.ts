import { test, expect } from "./fixtures/hub";
import { HubServer } from "./fixtures/server";
import { PROJECT, STUBS } from "./fixtures/wizard";

// Runs with JavaScript on and off: the Create tab is rendered by the server.

let server: HubServer;
test.beforeAll(async () => {
  server = await HubServer.start({ stubs: STUBS, projectFiles: PROJECT });
});
test.afterAll(async () => server.stop());

test("the Create tab renders step 1 and the stub list on the server", async ({ hub, page, javaScriptEnabled }) => {
  hub.base = server.url;
  await hub.goto("/sessions?tab=create");
  await hub.expectSelected("Create Session");
  await expect(hub.currentStep()).toContainText("Stub and instructions");
  await expect(hub.stepAnnouncement()).toHaveText("Step 1 of 5: Stub and instructions");
  await expect(hub.stepHeading()).toHaveText("Stub and instructions");
  await expect(hub.stubOption(/Auth refactor/)).toBeVisible();
  await expect(page.getByText("Rotate session tokens on refresh")).toBeVisible();
  await expect(hub.stubOption(/broken/)).toBeDisabled();
  await expect(hub.stubOption("Describe a new stub")).toBeVisible();
  await expect(hub.wizardButton("Add instruction block")).toBeVisible();

  const note = page.getByText("The wizard needs JavaScript");
  if (javaScriptEnabled) {
    await hub.waitForHydration();
    await expect(note).toBeHidden();
    await expect(hub.wizardButton("Next")).toBeEnabled();
  } else {
    await expect(note).toBeVisible();
    await expect(hub.wizardButton("Next")).toBeDisabled();
  }
});
