// Server-side rendering under concurrent load, counted as failures rather than latency:
// CLIENTS keep-alive clients (default 8) request the Create tab, the Monitor tab and a
// deep-linked session detail in turn for SECONDS (default 60) against a release hub serving
// 100 sessions. Every answer that is not a 200 with a whole page, every dropped connection and
// every panic in the hub's log is a failure; the script exits 1 if there is any. Then as many
// clients hang up on their requests 0-4 ms in, for a quarter of the time (at most 10 s): a
// page abandoned mid-render must not panic either.
//
//   node bench/ssr-load.js [--seconds N] [--clients N]
//
// `scripts/hub test` runs it for 10 s; `scripts/hub bench` for 60 s (BENCHMARKS.md).
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const http = require("node:http");
const net = require("node:net");
const os = require("node:os");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "../..");
const HUB = process.env.HUB_BIN ?? path.join(ROOT, "target/release/hub");
const arg = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const SECONDS = arg("seconds", 60);
const CLIENTS = arg("clients", 8);
const SESSIONS = 100;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function seed(dir) {
  const statuses = ["pending", "in_progress", "complete", "blocked"];
  for (let s = 0; s < SESSIONS; s++) {
    fs.mkdirSync(path.join(dir, `load-${s}`), { recursive: true });
    const agents = Array.from({ length: 4 }, (_, a) => ({
      agent_id: `agent-${a + 1}`,
      role: `Role ${a + 1}`,
      status: statuses[(s + a) % statuses.length],
      depends_on: a > 0 ? [`agent-${a}`] : [],
      output_file: `out/agent-${a + 1}.md`,
    }));
    fs.writeFileSync(
      path.join(dir, `load-${s}`, "communication.json"),
      JSON.stringify({ feature_name: `Session ${s}`, description: `Load test session ${s}`, agents }),
    );
  }
}

async function startHub(sessionsDir, logFile) {
  const port = await freePort();
  const log = fs.openSync(logFile, "w");
  const child = spawn(HUB, ["--addr", `127.0.0.1:${port}`, "--sessions-dir", sessionsDir], {
    cwd: ROOT,
    stdio: ["ignore", log, log],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { child, port };
    } catch {}
    await sleep(50);
  }
  throw new Error(`the hub did not start:\n${fs.readFileSync(logFile, "utf8")}`);
}

const PATHS = ["/sessions?tab=create", "/sessions?tab=monitor", "/sessions?tab=monitor&session=load-7"];

/** One GET on a keep-alive agent: resolves to its status and whether the page is whole. */
function get(agent, port, target) {
  return new Promise((resolve) => {
    const request = http.get({ host: "127.0.0.1", port, path: target, agent }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode, whole: body.includes("</html>") }));
      response.on("error", (err) => resolve({ error: err.code ?? err.message }));
    });
    request.on("error", (err) => resolve({ error: err.code ?? err.message }));
    request.setTimeout(10_000, () => request.destroy(new Error("timeout")));
  });
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hub-ssr-load-"));
  const sessionsDir = path.join(dir, "sessions");
  fs.mkdirSync(sessionsDir);
  seed(sessionsDir);
  const logFile = path.join(dir, "hub.log");
  const { child, port } = await startHub(sessionsDir, logFile);

  const counts = { ok: 0, non200: 0, truncated: 0, dropped: 0 };
  const errors = new Map();
  const latencies = [];
  const deadline = Date.now() + SECONDS * 1000;
  const client = async (n) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = n; Date.now() < deadline; i++) {
      const started = performance.now();
      const result = await get(agent, port, PATHS[i % PATHS.length]);
      latencies.push(performance.now() - started);
      if (result.error) {
        counts.dropped++;
        errors.set(result.error, (errors.get(result.error) ?? 0) + 1);
      } else if (result.status !== 200) counts.non200++;
      else if (!result.whole) counts.truncated++;
      else counts.ok++;
    }
    agent.destroy();
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)));

  // Clients that go away: a new connection each, closed before (or while) the page comes.
  let abandoned = 0;
  const abandonUntil = Date.now() + Math.min(10, SECONDS / 4) * 1000;
  const quitter = async (n) => {
    for (let i = n; Date.now() < abandonUntil; i++) {
      await new Promise((resolve) => {
        const request = http.get({ host: "127.0.0.1", port, path: PATHS[i % PATHS.length], agent: false }, (response) => {
          response.resume();
          response.on("end", resolve);
          response.on("error", resolve);
        });
        request.on("error", resolve);
        setTimeout(() => {
          request.destroy();
          resolve();
        }, Math.random() * 4);
      });
      abandoned++;
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, n) => quitter(n)));
  await sleep(500); // let the last abandoned renders finish

  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  const log = fs.readFileSync(logFile, "utf8");
  const panics = (log.match(/panicked at/g) ?? []).length;
  const total = counts.ok + counts.non200 + counts.truncated + counts.dropped;
  const sorted = latencies.sort((a, b) => a - b);
  const pct = (p) => sorted[Math.min(sorted.length - 1, Math.round((sorted.length - 1) * p))]?.toFixed(1);
  const failed = total - counts.ok + panics;
  console.log(
    `| SSR under load: ${CLIENTS} keep-alive clients for ${SECONDS} s, create / monitor / detail in turn, ${SESSIONS} sessions | ` +
      `${total} requests (${(total / SECONDS).toFixed(0)}/s), latency p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms; ` +
      `**${counts.non200} non-200, ${counts.truncated} truncated, ${counts.dropped} dropped**; then ${abandoned} requests abandoned by their clients; ` +
      `**${panics} panics in the log** |`,
  );
  if (errors.size) console.log("connection errors:", Object.fromEntries(errors));
  if (failed > 0) {
    const firstPanic = log.split("\n").find((line) => line.includes("panicked at"));
    if (firstPanic) console.error(`first panic: ${firstPanic}`);
    console.error(`SSR load: ${failed} failures (the hub's log: ${logFile})`);
    process.exit(1);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
