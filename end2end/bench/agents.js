// The agent's side, timed with the release binary as agents run it (`scripts/hub bench`):
//   1. a dependency's write -> `hub wait` exits: p50/p95 over 50 trials, on the local folder
//      (the write is a plain file write, as an agent's) and against a running hub (the write
//      goes through the API, as a remote agent's);
//   2. an answer clicked in the browser -> `hub ask` exits (remote): p50/p95 over 30 trials;
//   3. 200 agents waiting at once against one hub (`hub wait`, event stream) and 200 asking
//      (`hub ask`, answer long-poll): server RSS and CPU while they wait, and how long one
//      write takes to release every waiter.
// TRIALS changes the trial count. Prints Markdown rows for BENCHMARKS.md.
const { chromium } = require("playwright-core");
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const { HUB, sleep, pct, startHub } = require("./lib");
const TRIALS = Number(process.env.TRIALS ?? 50);
const CLOCK_TICKS = 100;
const ms = (x) => `${Math.round(x)} ms`;


/** `hub <args>`; resolves with its exit code, output and the time it exited. */
function hub(args, sessionsDir) {
  const child = spawn(HUB, [...args, "--sessions-dir", sessionsDir], { cwd: os.tmpdir(), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  child.stdout.on("data", (c) => (stdout += c));
  const done = new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout: stdout.trim(), at: performance.now() })));
  return { child, done };
}

function writeRoster(dir, first, n = 2) {
  const agents = [{ agent_id: "agent-1", status: first }];
  for (let i = 2; i <= n; i++) agents.push({ agent_id: `agent-${i}`, status: "not_started", depends_on: ["agent-1"] });
  fs.mkdirSync(path.join(dir, "s"), { recursive: true });
  fs.writeFileSync(path.join(dir, "s", "communication.json"), JSON.stringify({ feature_name: "Bench", agents }));
}

function cpuTicks(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

function rssKiB(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))[1]);
}

const post = (url, body) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** Dependency write -> `hub wait` exit, `remote` or on the folder. */
async function waitLatency(remote) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hub-bench-wait-"));
  writeRoster(dir, "in_progress");
  const server = remote ? await startHub(dir) : null;
  const target = remote ? ["--hub-url", server.url] : [];
  const latencies = [];
  for (let i = 0; i < TRIALS; i++) {
    const waiting = hub(["wait", "s", "--deps-of", "agent-2", "--timeout", "30s", ...target], dir);
    await sleep(400); // started, watching (or listening)
    const wrote = performance.now();
    if (remote) await post(`${server.url}/api/sessions/s/agents/agent-1/status`, { status: "complete" });
    else writeRoster(dir, "complete");
    const { code, at } = await waiting.done;
    if (code !== 0) throw new Error(`wait exited ${code}`);
    latencies.push(at - wrote);
    if (remote) await post(`${server.url}/api/sessions/s/agents/agent-1/status`, { status: "in_progress" });
    else writeRoster(dir, "in_progress");
    await sleep(300);
  }
  server?.child.kill();
  const how = remote
    ? "against a running hub (`--hub-url`), the write through `POST …/status`"
    : "on the local folder, the write a plain file write by another process";
  console.log(`| dependency write -> \`hub wait --deps-of\` exits, ${how}, ${TRIALS} trials | p50 **${ms(pct(latencies, 0.5))}**, p95 **${ms(pct(latencies, 0.95))}**, max ${ms(Math.max(...latencies))} (goal p95 ≤ 1 s) |`);
}

/** Click in the browser -> `hub ask` exits. */
async function answerLatency() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hub-bench-ask-"));
  writeRoster(dir, "in_progress");
  const server = await startHub(dir);
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  const page = await browser.newPage();
  await page.goto(`${server.url}/sessions?tab=monitor`);
  await page.locator("main[data-hydrated=true]").waitFor({ state: "attached", timeout: 15_000 });
  const trials = Math.min(TRIALS, 30);
  const latencies = [];
  for (let i = 0; i < trials; i++) {
    const asking = hub(["ask", "s", "agent-1", `Trial ${i}?`, "--choice", "yes", "--choice", "no", "--timeout", "30s", "--hub-url", server.url], dir);
    const button = page.getByRole("region", { name: /Needs you/ }).getByRole("button", { name: "yes" });
    await button.waitFor({ timeout: 10_000 });
    await sleep(200); // the long-poll is open
    const clicked = performance.now();
    await button.click();
    const { code, stdout, at } = await asking.done;
    if (code !== 0 || stdout !== "yes") throw new Error(`ask exited ${code}: ${stdout}`);
    latencies.push(at - clicked);
    await page.getByRole("region", { name: /Needs you/ }).waitFor({ state: "hidden" });
  }
  await browser.close();
  server.child.kill();
  console.log(`| answer clicked in the browser ("Needs you") -> \`hub ask --hub-url\` prints it and exits, ${trials} trials | p50 **${ms(pct(latencies, 0.5))}**, p95 **${ms(pct(latencies, 0.95))}**, max ${ms(Math.max(...latencies))} (goal p95 ≤ 1 s) |`);
}

/** 200 agents waiting at once: what the hub pays, and how fast one write releases them all. */
async function manyWaiting(kind) {
  const n = 200;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hub-bench-many-"));
  writeRoster(dir, "in_progress", n + 1);
  const server = await startHub(dir);
  const idleRss = rssKiB(server.child.pid);
  const waiters = [];
  for (let i = 0; i < n; i++) {
    const agent = `agent-${i + 2}`;
    const args = kind === "wait"
      ? ["wait", "s", "--deps-of", agent, "--timeout", "120s", "--hub-url", server.url]
      : ["ask", "s", agent, "Go?", "--timeout", "120s", "--hub-url", server.url];
    waiters.push(hub(args, dir));
  }
  // Every waiter connected: the asks have filed their questions, the waits are listening.
  const deadline = Date.now() + 60_000;
  if (kind === "ask") {
    while (fs.readdirSync(path.join(dir, "s", "questions"), { withFileTypes: true }).length < n) {
      if (Date.now() > deadline) throw new Error("the askers did not all ask");
      await sleep(100);
    }
  }
  await sleep(3_000);
  const before = cpuTicks(server.child.pid);
  const window = 20_000;
  await sleep(window);
  const cpuMs = ((cpuTicks(server.child.pid) - before) * 1000) / CLOCK_TICKS;
  const waitingRss = rssKiB(server.child.pid);
  const released = performance.now();
  if (kind === "wait") {
    await post(`${server.url}/api/sessions/s/agents/agent-1/status`, { status: "complete" });
  } else {
    const { questions } = await (await fetch(`${server.url}/api/questions?open=true`)).json();
    await Promise.all(questions.map((q) => post(`${server.url}/api/sessions/s/questions/${q.id}/answer`, { answer: "yes" })));
  }
  const exits = await Promise.all(waiters.map((w) => w.done));
  const failed = exits.filter((e) => e.code !== 0).length;
  const last = Math.max(...exits.map((e) => e.at)) - released;
  server.child.kill();
  const what = kind === "wait" ? "`hub wait --hub-url` (each on the event stream)" : "`hub ask --hub-url` (each on the answer long-poll)";
  const release = kind === "wait" ? "one status write releases all" : "200 answers through the API release all";
  console.log(`| ${n} agents waiting at once on one hub: ${what} | server RSS ${(idleRss / 1024).toFixed(1)} MiB idle -> **${(waitingRss / 1024).toFixed(1)} MiB** with them waiting; server CPU **${(cpuMs / (window / 1000)).toFixed(1)} ms/s** while they wait; ${release} in **${ms(last)}** (${failed} failed) |`);
}

(async () => {
  await waitLatency(false);
  await waitLatency(true);
  await answerLatency();
  await manyWaiting("wait");
  await manyWaiting("ask");
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
