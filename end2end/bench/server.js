// Server benchmarks in a real browser and over loopback, run by `scripts/hub bench`:
//   0. server-side rendering of /sessions?tab=monitor with 100 sessions: requests/s with wrk;
//   1. change on disk -> visible in the browser: p50/p95 over 50 trials (new sessions and
//      status changes), measured in Debian's Chromium against the release server;
//   2. event storm: 10,000 plain writes in ~1 s across 100 sessions; events
//      per client per second and time until the API matches the disk;
//   3. server RSS, idle, with 1,000 sessions;
//   4. unchanged polls at a fixed 200 req/s, 304s, latency and server CPU per poll
//      against full lists in the same run;
//   5. mixed load for 60 s (MIXED_SECONDS): pollers, SSE clients, status updates.
// BENCH_ONLY=load runs only 4 and 5; BENCH_ONLY=ssr only 0.
// Prints Markdown rows for BENCHMARKS.md.
const { chromium } = require("playwright-core");
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const net = require("node:net");

const ROOT = path.resolve(__dirname, "../..");
const HUB = process.env.HUB_BIN ?? path.join(ROOT, "target/release/hub");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** `logFile`: where the hub's output goes (to count panics), else nowhere. */
async function startHub(sessionsDir, logFile) {
  const port = await freePort();
  const out = logFile ? fs.openSync(logFile, "w") : "ignore";
  const child = spawn(HUB, ["--addr", `127.0.0.1:${port}`, "--sessions-dir", sessionsDir, "--poll-interval", "10s"],
    { cwd: ROOT, stdio: ["ignore", out, out] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try { if ((await fetch(`${url}/healthz`)).ok) return { child, url }; } catch {}
    await sleep(50);
  }
  throw new Error("hub did not start");
}

function writeSession(dir, id, status, name = id) {
  fs.mkdirSync(path.join(dir, id), { recursive: true });
  fs.writeFileSync(path.join(dir, id, "communication.json"),
    JSON.stringify({ feature_name: name, agents: [{ agent_id: "a", status }, { agent_id: "b", status: "pending" }] }));
}

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.round((s.length - 1) * p)]; };

async function latency() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hub-bench-"));
  const { child, url } = await startHub(dir);
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  const page = await browser.newPage();
  page.on("pageerror", (err) => console.error("pageerror", err.message));
  page.on("console", (msg) => msg.type() === "error" && console.error("console", msg.text()));
  await page.goto(`${url}/sessions?tab=monitor`);
  await page.waitForSelector("main[data-hydrated=true]");
  await page.getByText("Live", { exact: true }).waitFor();
  const created = [];
  for (let i = 0; i < 50; i++) {
    const started = Date.now();
    writeSession(dir, `trial-${i}`, "in_progress", `Trial ${i}`);
    await page.getByRole("link", { name: `Trial ${i}`, exact: true }).waitFor({ timeout: 10_000 });
    created.push(Date.now() - started);
    await sleep(100 + Math.random() * 200);
  }
  await page.goto(`${url}/sessions?tab=monitor&session=trial-0`);
  await page.waitForSelector("main[data-hydrated=true]");
  const changed = [];
  for (let i = 0; i < 50; i++) {
    const status = i % 2 === 0 ? "complete" : "blocked";
    const label = status === "complete" ? "Complete" : "Blocked";
    const started = Date.now();
    writeSession(dir, "trial-0", status, "Trial 0");
    await page.locator("tbody tr").first().filter({ hasText: label }).waitFor({ timeout: 10_000 });
    changed.push(Date.now() - started);
    await sleep(100 + Math.random() * 200);
  }
  await browser.close();
  child.kill("SIGTERM");
  console.log(`| new session on disk → listed in an open page (50 trials) | p50 ${pct(created, 0.5)} ms, p95 ${pct(created, 0.95)} ms, max ${Math.max(...created)} ms |`);
  console.log(`| status change on disk → shown in an open detail (50 trials) | p50 ${pct(changed, 0.5)} ms, p95 ${pct(changed, 0.95)} ms, max ${Math.max(...changed)} ms |`);
}

async function storm() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hub-storm-"));
  for (let s = 0; s < 100; s++) writeSession(dir, `s-${s}`, "pending");
  const { child, url } = await startHub(dir);
  const clients = 5;
  const events = Array.from({ length: clients }, () => []);
  const controllers = [];
  for (let c = 0; c < clients; c++) {
    const controller = new AbortController();
    controllers.push(controller);
    (async () => {
      const response = await fetch(`${url}/api/events`, { signal: controller.signal });
      const decoder = new TextDecoder();
      let buffer = "";
      try {
        for await (const chunk of response.body) {
          buffer += decoder.decode(chunk);
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            if (buffer.slice(0, end).includes("data:")) events[c].push(Date.now());
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {}
    })();
  }
  await sleep(500);
  const statuses = ["pending", "in_progress", "complete", "blocked"];
  const started = Date.now();
  let writes = 0;
  const roster = (status) => JSON.stringify({ feature_name: "storm", agents: [{ agent_id: "a", status }, { agent_id: "b", status: "pending" }] });
  while (writes < 10_000) {
    // Plain truncate-and-write, as an agent editing its file would do.
    fs.writeFileSync(path.join(dir, `s-${writes % 100}`, "communication.json"), roster(statuses[Math.floor(writes / 100) % 4]));
    writes++;
  }
  const stormMs = Date.now() - started;
  // Converged when the API shows, for every session, the status last written.
  const want = new Map();
  for (let s = 0; s < 100; s++) want.set(`s-${s}`, statuses[Math.floor((9_900 + s) / 100) % 4]);
  let convergedMs = null;
  while (Date.now() - started < 10_000) {
    const list = await (await fetch(`${url}/api/sessions`)).json();
    const ok = list.sessions.length === 100 && list.sessions.every((s) => {
      const a = s.aggregation;
      const status = want.get(s.id);
      return (status === "complete" ? a.completed : status === "in_progress" ? a.in_progress : status === "blocked" ? a.blocked : a.not_started - 1) === 1;
    });
    if (ok) { convergedMs = Date.now() - started; break; }
    await sleep(50);
  }
  await sleep(1000);
  controllers.forEach((c) => c.abort());
  const window = (stormMs + 1000) / 1000;
  const during = events.map((ts) => ts.filter((t) => t >= started).length);
  child.kill("SIGTERM");
  console.log(`| event storm: ${writes} plain writes in ${stormMs} ms across 100 sessions, ${clients} SSE clients | ${Math.max(...during)} events per client in ${window.toFixed(1)} s (max ${(Math.max(...during) / window).toFixed(1)}/s); API matched the disk ${convergedMs} ms after the storm began |`);
}

async function rss() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hub-rss-"));
  for (let s = 0; s < 1000; s++) writeSession(dir, `r-${s}`, "in_progress", `Session ${s} with a realistic name`);
  const { child, url } = await startHub(dir);
  await fetch(`${url}/api/sessions`);
  await sleep(6000);
  const status = fs.readFileSync(`/proc/${child.pid}/status`, "utf8");
  const kib = Number(status.match(/VmRSS:\s+(\d+)/)[1]);
  child.kill("SIGTERM");
  console.log(`| server RSS, idle 6 s after start, 1,000 sessions, watcher on | ${(kib / 1024).toFixed(1)} MiB |`);
}

async function ssr() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hub-ssr-"));
  for (let s = 0; s < 100; s++) writeSession(dir, `ssr-${s}`, ["pending", "in_progress", "complete"][s % 3], `Session ${s}`);
  const logFile = path.join(dir, "..", `${path.basename(dir)}.log`);
  const { child, url } = await startHub(dir, logFile);
  const page = await (await fetch(`${url}/sessions?tab=monitor`)).text();
  const { execFileSync } = require("node:child_process");
  const out = execFileSync("wrk", ["-t2", "-c16", "-d10s", "--latency", `${url}/sessions?tab=monitor`], { encoding: "utf8" });
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  const rps = out.match(/Requests\/sec:\s+([\d.]+)/)[1];
  const p50 = out.match(/50%\s+([\d.]+\w+)/)[1];
  const p99 = out.match(/99%\s+([\d.]+\w+)/)[1];
  const total = out.match(/(\d+) requests in/)[1];
  // wrk prints these two lines only when there is something to count.
  const socket = out.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const non2xx = Number(out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0);
  const panics = (fs.readFileSync(logFile, "utf8").match(/panicked at/g) ?? []).length;
  console.log(`| SSR of \`/sessions?tab=monitor\`, 100 sessions (${page.length} B page), wrk -t2 -c16 -d10s on loopback (wrk shares the 2 cores) | ${Number(rps).toFixed(0)} requests/s, latency p50 ${p50}, p99 ${p99}; ${total} requests, **${non2xx} non-2xx, ${socketErrors} socket errors, ${panics} panics** |`);
}

/** Requests at a fixed rate for `seconds`; `request()` returns its HTTP status. */
async function atFixedRate(perSecond, seconds, request) {
  const latencies = [];
  const statuses = new Map();
  const inFlight = [];
  const started = performance.now();
  for (let i = 0; i < perSecond * seconds; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    inFlight.push((async () => {
      // Requests go out on schedule whether or not earlier ones have answered, so a stalled
      // server shows as latency rather than as fewer requests.
      const sent = performance.now();
      let status;
      try { status = await request(); } catch (err) { status = `error: ${err.cause?.code ?? err.message}`; }
      latencies.push(performance.now() - sent);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    })());
  }
  await Promise.all(inFlight);
  return { latencies, statuses };
}

const CLOCK_TICKS = 100; // USER_HZ on Linux
function cpuTicks(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return Number(fields[11]) + Number(fields[12]);
}
const fmt = (ms) => `${ms.toFixed(2)} ms`;
const counts = (statuses) => [...statuses].map(([s, n]) => `${n}× ${s}`).join(", ");

/** Unchanged polls of 1,000 sessions at 200 req/s answer 304 cheaply. */
async function cheapPolls() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hub-polls-"));
  for (let s = 0; s < 1000; s++) writeSession(dir, `p-${s}`, "in_progress", `Session ${s} with a realistic name`);
  const { child, url } = await startHub(dir);
  const first = await fetch(`${url}/api/sessions`);
  const etag = first.headers.get("etag");
  const fullBytes = (await first.text()).length;
  const run = async (headers, route = "/api/sessions") => {
    const before = cpuTicks(child.pid);
    const result = await atFixedRate(200, 20, async () => {
      const response = await fetch(`${url}${route}`, { headers });
      await response.arrayBuffer();
      return response.status;
    });
    return { ...result, cpuMs: ((cpuTicks(child.pid) - before) * 1000) / CLOCK_TICKS };
  };
  const unchanged = await run({ "If-None-Match": etag });
  const full = await run({});
  // The floor under any answer (hyper, the Host/Origin guard, the socket), measured the same way.
  const floor = await run({}, "/healthz");
  child.kill("SIGTERM");
  const n = 200 * 20;
  const aboveFloor = (run) => Math.max(run.cpuMs - floor.cpuMs, 0);
  console.log(`| Unchanged polls: \`GET /api/sessions\` with \`If-None-Match\`, 1,000 sessions, 200 req/s for 20 s (fixed rate, loopback, the client shares the 2 cores) | ${counts(unchanged.statuses)}; latency p50 ${fmt(pct(unchanged.latencies, 0.5))}, p99 ${fmt(pct(unchanged.latencies, 0.99))}; server CPU ${(unchanged.cpuMs / n).toFixed(3)} ms per poll |`);
  console.log(`| the same without \`If-None-Match\` (full ${fullBytes.toLocaleString("en")} B list each time), same run | ${counts(full.statuses)}; latency p50 ${fmt(pct(full.latencies, 0.5))}, p99 ${fmt(pct(full.latencies, 0.99))}; server CPU ${(full.cpuMs / n).toFixed(3)} ms per request; **unchanged poll = ${((100 * unchanged.cpuMs) / Math.max(full.cpuMs, 1)).toFixed(1)} %** of a full list |`);
  console.log(`| the floor: \`GET /healthz\` (a few bytes of JSON), same rate, same run | ${counts(floor.statuses)}; latency p50 ${fmt(pct(floor.latencies, 0.5))}, p99 ${fmt(pct(floor.latencies, 0.99))}; server CPU ${(floor.cpuMs / n).toFixed(3)} ms per request; above this floor an unchanged poll costs **${((100 * aboveFloor(unchanged)) / Math.max(aboveFloor(full), 1)).toFixed(1)} %** of a full list |`);
}

/** Mixed load: 50 pollers every 2 s, 10 SSE clients and 1 status update/s, for 60 s. */
async function mixedLoad() {
  const seconds = Number(process.env.MIXED_SECONDS ?? 60);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hub-mixed-"));
  for (let s = 0; s < 1000; s++) writeSession(dir, `m-${s}`, "in_progress", `Session ${s} with a realistic name`);
  const { child, url } = await startHub(dir);
  const stop = new AbortController();
  const errors = [];
  const sseEvents = Array(10).fill(0);
  for (let c = 0; c < 10; c++) {
    (async () => {
      try {
        const response = await fetch(`${url}/api/events`, { signal: stop.signal });
        for await (const chunk of response.body) if (Buffer.from(chunk).includes("data:")) sseEvents[c]++;
      } catch (err) { if (!stop.signal.aborted) errors.push(`sse: ${err.message}`); }
    })();
  }
  const listLatencies = [];
  const statuses = new Map();
  const pollers = Array.from({ length: 50 }, (_, p) => (async () => {
    let etag = null;
    await sleep((p * 2000) / 50); // spread over the interval, as pages opened at different times
    while (!stop.signal.aborted) {
      const started = performance.now();
      try {
        const response = await fetch(`${url}/api/sessions`, { headers: etag ? { "If-None-Match": etag } : {} });
        await response.arrayBuffer();
        if (response.status >= 400) errors.push(`poll: HTTP ${response.status}`);
        etag = response.headers.get("etag") ?? etag;
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        listLatencies.push(performance.now() - started);
      } catch (err) { errors.push(`poll: ${err.message}`); }
      await sleep(2000);
    }
  })());
  let updates = 0;
  const writer = (async () => {
    const cycle = ["in_progress", "complete", "blocked", "in_progress"];
    while (!stop.signal.aborted) {
      const response = await fetch(`${url}/api/sessions/m-${updates % 1000}/agents/a/status`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ status: cycle[updates % 4] }),
      }).catch((err) => ({ status: err.message }));
      if (response.status !== 200) errors.push(`update: ${response.status}`);
      updates++;
      await sleep(1000);
    }
  })();
  await sleep(seconds * 1000);
  stop.abort();
  await Promise.all([...pollers, writer]);
  child.kill("SIGTERM");
  console.log(`| Mixed load, ${seconds} s: 1,000 sessions, 50 clients polling \`/api/sessions\` every 2 s with \`If-None-Match\`, 10 SSE clients, 1 status update/s through the API | ${errors.length} errors${errors.length ? ` (${[...new Set(errors)].slice(0, 3).join("; ")})` : ""}; ${updates} updates; polls ${counts(statuses)}; list latency p50 ${fmt(pct(listLatencies, 0.5))}, p99 ${fmt(pct(listLatencies, 0.99))}; SSE events per client ${Math.min(...sseEvents)}-${Math.max(...sseEvents)} |`);
}

(async () => {
  console.log("| what | figure |\n|---|---|");
  if (process.env.BENCH_ONLY === "load") {
    await cheapPolls();
    await mixedLoad();
    return;
  }
  if (process.env.BENCH_ONLY === "ssr") return ssr();
  await ssr();
  await latency();
  await storm();
  await rss();
  await cheapPolls();
  await mixedLoad();
})().catch((err) => { console.error(err); process.exit(1); });
