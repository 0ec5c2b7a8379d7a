// Two hubs on one PostgreSQL (`--store`), run by `scripts/hub bench` with HUB_TEST_DATABASE_URL
// (the throw-away server scripts/test-postgres starts):
//   1. a status change through hub A's API -> shown in Chromium on hub B: p50/p95 over 50 trials,
//      beside the same through the one hub a browser is on (the baseline, same run);
//   2. 10,000 sessions in the database: hub B's start (fetching the replica), then
//      `GET /api/sessions` p50/p95 on B, beside a folder hub over the same 10,000 folders.
// Prints Markdown rows for BENCHMARKS.md.
const { chromium } = require("playwright-core");
const { spawn, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { HUB, sleep, pct, freePort } = require("./lib");

const ADMIN_URL = process.env.HUB_TEST_DATABASE_URL;
if (!ADMIN_URL) {
  console.error("team.js needs HUB_TEST_DATABASE_URL (eval \"$(scripts/test-postgres start)\")");
  process.exit(2);
}

function freshDatabase(tag) {
  const name = `hub_bench_${tag}_${Date.now()}`;
  execFileSync("psql", [ADMIN_URL, "-qc", `CREATE DATABASE ${name}`]);
  return ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
}

async function startHub(sessionsDir, extra = []) {
  const port = await freePort();
  const started = Date.now();
  const child = spawn(HUB, ["--addr", `127.0.0.1:${port}`, "--sessions-dir", sessionsDir, ...extra], {
    cwd: os.tmpdir(),
    stdio: "ignore",
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 1200; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { child, url, startMs: Date.now() - started };
    } catch {}
    await sleep(50);
  }
  throw new Error("hub did not start");
}

function writeSession(dir, id, name = id) {
  fs.mkdirSync(path.join(dir, id), { recursive: true });
  fs.writeFileSync(
    path.join(dir, id, "communication.json"),
    JSON.stringify({ feature_name: name, agents: [{ agent_id: "a", status: "pending" }, { agent_id: "b", status: "pending" }] }),
  );
}

async function setStatus(url, id, status) {
  const response = await fetch(`${url}/api/sessions/${id}/agents/a/status`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ status }),
  });
  if (response.status !== 200) throw new Error(`status ${response.status}: ${await response.text()}`);
}

/** Writes through `writer`, waits for the detail open on `viewer` to show it. */
async function trials(browser, writer, viewer, id) {
  const page = await browser.newPage();
  await page.goto(`${viewer}/sessions?tab=monitor&session=${id}`);
  await page.waitForSelector("main[data-hydrated=true]");
  await page.getByText("Live", { exact: true }).waitFor();
  const times = [];
  for (let i = 0; i < 50; i++) {
    const [status, label] = i % 2 === 0 ? ["complete", "Complete"] : ["blocked", "Blocked"];
    const started = Date.now();
    await setStatus(writer, id, status);
    await page.locator("tbody tr").first().filter({ hasText: label }).waitFor({ timeout: 10_000 });
    times.push(Date.now() - started);
    await sleep(100 + Math.random() * 200);
  }
  await page.close();
  return times;
}

async function visibility() {
  const store = freshDatabase("latency");
  const dirA = fs.mkdtempSync(path.join(os.tmpdir(), "hub-team-a-"));
  const dirB = fs.mkdtempSync(path.join(os.tmpdir(), "hub-team-b-"));
  writeSession(dirA, "shared", "Shared");
  const a = await startHub(dirA, ["--store", store]);
  const b = await startHub(dirB, ["--store", store]);
  const folderDir = fs.mkdtempSync(path.join(os.tmpdir(), "hub-team-folder-"));
  writeSession(folderDir, "alone", "Alone");
  const folder = await startHub(folderDir);
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  const across = await trials(browser, a.url, b.url, "shared");
  const same = await trials(browser, a.url, a.url, "shared");
  const baseline = await trials(browser, folder.url, folder.url, "alone");
  await browser.close();
  for (const hub of [a, b, folder]) hub.child.kill("SIGTERM");
  const row = (what, xs) => `| ${what} (50 trials) | p50 ${pct(xs, 0.5)} ms, p95 ${pct(xs, 0.95)} ms, max ${Math.max(...xs)} ms |`;
  console.log(row("status change through hub A's API → shown in Chromium on hub B (one PostgreSQL)", across));
  console.log(row("the same, the browser on hub A itself", same));
  console.log(row("baseline, same run: a folder hub, its own API → its own page", baseline));
}

async function listAtScale() {
  const count = Number(process.env.TEAM_SESSIONS ?? 10_000);
  const store = freshDatabase("scale");
  const dirA = fs.mkdtempSync(path.join(os.tmpdir(), "hub-scale-a-"));
  for (let i = 0; i < count; i++) writeSession(dirA, `s-${String(i).padStart(5, "0")}`, `Session ${i}`);
  // A publishes the folder once; B then starts on an empty folder and fetches every session.
  const a = await startHub(dirA, ["--store", store]);
  const dirB = fs.mkdtempSync(path.join(os.tmpdir(), "hub-scale-b-"));
  const b = await startHub(dirB, ["--store", store]);
  b.child.kill("SIGTERM");
  await sleep(500);
  const again = await startHub(dirB, ["--store", store]);
  const folder = await startHub(dirA);
  const timeList = async (url) => {
    const times = [];
    for (let i = 0; i < 100; i++) {
      const started = performance.now();
      const response = await fetch(`${url}/api/sessions`);
      await response.arrayBuffer();
      times.push(performance.now() - started);
    }
    return times;
  };
  const fromPostgres = await timeList(again.url);
  const fromFolder = await timeList(folder.url);
  for (const hub of [a, again, folder]) hub.child.kill("SIGTERM");
  const ms = (x) => `${x.toFixed(1)} ms`;
  console.log(`| ${count.toLocaleString("en")} sessions: hub A publishes its folder at start / hub B fetches its replica at first start / B restarts (replica current) | ${a.startMs} ms / ${b.startMs} ms / ${again.startMs} ms to answer /healthz |`);
  console.log(`| \`GET /api/sessions\`, ${count.toLocaleString("en")} sessions, 100 requests: hub on the PostgreSQL store / folder hub, same run | p50 ${ms(pct(fromPostgres, 0.5))}, p95 ${ms(pct(fromPostgres, 0.95))} / p50 ${ms(pct(fromFolder, 0.5))}, p95 ${ms(pct(fromFolder, 0.95))} |`);
}

(async () => {
  await visibility();
  await listAtScale();
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
