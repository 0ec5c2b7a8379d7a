// The hub at scale, measured as a user meets it, by `scripts/hub bench` (SCALE_SESSIONS picks
// the sizes, default 1000,10000). For each size, in one run against the release server:
//   1. server RSS once the list (`GET /api/sessions`) and the Monitor page have been served,
//      6 s later (the figure a person sees in `top`);
//   2. a status change written on disk -> shown in an open Monitor detail in Debian's Chromium:
//      p50/p95 over 50 trials, 100-300 ms apart (each one the first change after a quiet spell);
//   3. a burst: 20 changes 20 ms apart to one session -> the last one shown.
// Prints Markdown rows for BENCHMARKS.md.
const { chromium } = require("playwright-core");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { sleep, pct, startHub } = require("./lib");

const SIZES = (process.env.SCALE_SESSIONS ?? "1000,10000").split(",").map(Number);
const TRIALS = 50;

function roster(name, status) {
  return JSON.stringify({
    feature_name: name,
    agents: [
      { agent_id: "backend", role: "API and storage", status, message: "working through the plan" },
      { agent_id: "frontend", role: "Monitor page", status: "pending" },
      { agent_id: "tests", role: "End-to-end tests", status: "pending" },
    ],
  });
}

function writeSession(dir, id, name, status) {
  fs.mkdirSync(path.join(dir, id), { recursive: true });
  fs.writeFileSync(path.join(dir, id, "communication.json"), roster(name, status));
}

function rssMiB(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(status.match(/VmRSS:\s+(\d+)/)[1]) / 1024;
}

async function atSize(count) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hub-scale-${count}-`));
  for (let s = 0; s < count; s++) {
    writeSession(dir, `s-${String(s).padStart(5, "0")}`, `Session ${s} with a realistic name`, ["pending", "in_progress", "complete"][s % 3]);
  }
  const { child, url } = await startHub(dir);
  const list = await (await fetch(`${url}/api/sessions`)).text();
  const monitor = await (await fetch(`${url}/sessions?tab=monitor`)).text();
  await sleep(6000);
  const rss = rssMiB(child.pid);

  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  const page = await browser.newPage();
  page.on("pageerror", (err) => console.error("pageerror", err.message));
  const target = "s-00000";
  await page.goto(`${url}/sessions?tab=monitor&session=${target}`);
  await page.waitForSelector("main[data-hydrated=true]");
  await page.getByText("Live", { exact: true }).waitFor();
  const statuses = [["blocked", "Blocked"], ["complete", "Complete"]];
  const shown = async (label) => page.locator("tbody tr").first().filter({ hasText: label }).waitFor({ timeout: 10_000 });
  const changed = [];
  for (let i = 0; i < TRIALS; i++) {
    const [status, label] = statuses[i % 2];
    const started = Date.now();
    writeSession(dir, target, "Session 0 with a realistic name", status);
    await shown(label);
    changed.push(Date.now() - started);
    await sleep(100 + Math.random() * 200);
  }
  await sleep(1000);
  const burstStarted = Date.now();
  for (let i = 0; i < 20; i++) {
    writeSession(dir, target, "Session 0 with a realistic name", i === 19 ? "blocked" : ["in_progress", "complete"][i % 2]);
    await sleep(20);
  }
  await shown("Blocked");
  const burst = Date.now() - burstStarted - 19 * 20;
  await browser.close();
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  fs.rmSync(dir, { recursive: true, force: true });
  const n = count.toLocaleString("en");
  console.log(`| ${n} sessions: server RSS 6 s after serving the list (${list.length.toLocaleString("en")} B) and the Monitor page (${monitor.length.toLocaleString("en")} B) | ${rss.toFixed(1)} MiB |`);
  console.log(`| ${n} sessions: status change on disk → shown in an open Monitor detail (${TRIALS} trials) | p50 ${pct(changed, 0.5)} ms, p95 ${pct(changed, 0.95)} ms, max ${Math.max(...changed)} ms |`);
  console.log(`| ${n} sessions: 20 changes 20 ms apart → the last one shown, after it was written | ${burst} ms |`);
}

(async () => {
  console.log("| what | figure |\n|---|---|");
  for (const size of SIZES) await atSize(size);
})().catch((err) => { console.error(err); process.exit(1); });
