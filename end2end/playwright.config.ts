import { defineConfig, devices } from "@playwright/test";

// Debian's Chromium: browser downloads are blocked on these machines. The flags keep it from
// calling home (the network is closed) and let it run as root.
const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

// `scripts/hub e2e` starts the server on a free port with a temporary sessions directory and
// passes both here; see tests/fixtures/hub.ts.
export default defineConfig({
  testDir: "./tests",
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: [["list"]],
  use: {
    baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3000",
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "hydrated",
      testIgnore: /\.agent\.spec\.ts$/,
      use: { ...devices["Desktop Chrome"], launchOptions },
    },
    {
      // The same pages with JavaScript off: what the server renders must work on its own.
      name: "no-js",
      testIgnore: [/\.hydrate\.spec\.ts$/, /\.agent\.spec\.ts$/],
      use: { ...devices["Desktop Chrome"], javaScriptEnabled: false, launchOptions },
    },
    {
      // The agent's side without a browser: MCP clients and the agent CLIs' hooks.
      name: "agents",
      testMatch: /\.agent\.spec\.ts$/,
    },
  ],
});
