// The MCP server, timed with the release binary and the official TypeScript SDK as the client
// (`scripts/hub bench`), against baselines measured in the same run:
//   1. one status write: `hub status set` as a process (what a shell agent pays), the HTTP API,
//      MCP `set_status` over Streamable HTTP (/mcp) and over stdio (`hub mcp`): median and p95
//      over TRIALS calls each;
//   2. a dependency's write (through the API) -> MCP `wait_for` returns: p50/p95 over WAITS
//      trials, over HTTP and over stdio (a stdio server sees the write through its watcher).
// Prints Markdown rows for BENCHMARKS.md.
const { Client } = require("@modelcontextprotocol/sdk/client/index.js");
const { StdioClientTransport } = require("@modelcontextprotocol/sdk/client/stdio.js");
const { StreamableHTTPClientTransport } = require("@modelcontextprotocol/sdk/client/streamableHttp.js");
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const { HUB, sleep, pct, startHub } = require("./lib");
const TRIALS = Number(process.env.TRIALS ?? 200);
const WAITS = Number(process.env.WAITS ?? 30);
const fmt = (x) => `${x.toFixed(2)} ms`;


function writeRoster(dir) {
  fs.mkdirSync(path.join(dir, "s"), { recursive: true });
  fs.writeFileSync(path.join(dir, "s", "communication.json"), JSON.stringify({
    feature_name: "Bench",
    agents: [
      { agent_id: "agent-1", status: "in_progress" },
      { agent_id: "agent-2", status: "not_started", depends_on: ["agent-1"] },
    ],
  }));
}

function cliStatus(sessionsDir, status) {
  return new Promise((resolve, reject) => {
    const child = spawn(HUB, ["status", "set", "s", "agent-1", status, "--sessions-dir", sessionsDir], { cwd: os.tmpdir(), stdio: "ignore" });
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
  });
}

async function apiStatus(url, agent, status) {
  const r = await fetch(`${url}/api/sessions/s/agents/${agent}/status`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ status }),
  });
  if (!r.ok) throw new Error(`API ${r.status}`);
  await r.arrayBuffer();
}

async function mcpStatus(client, status) {
  const result = await client.callTool({ name: "set_status", arguments: { session: "s", agent: "agent-1", status } });
  if (result.isError) throw new Error(JSON.stringify(result.content));
}

/** Times `call(i)` TRIALS times after a warm-up; answers [median, p95] in ms. */
async function timed(call) {
  for (let i = 0; i < 10; i++) await call(i);
  const times = [];
  for (let i = 0; i < TRIALS; i++) {
    const t = performance.now();
    await call(i);
    times.push(performance.now() - t);
  }
  return [pct(times, 0.5), pct(times, 0.95)];
}

/** A dependency's write through the API -> wait_for returns, WAITS times. */
async function wakeLatency(client, url) {
  const times = [];
  for (let i = 0; i < WAITS; i++) {
    await apiStatus(url, "agent-1", "in_progress");
    await sleep(400); // a stdio server's watcher has seen it
    const waiting = client.callTool({ name: "wait_for", arguments: { session: "s", deps_of: "agent-2", timeout_s: 30 } })
      .then((r) => ({ r, at: performance.now() }));
    await sleep(300);
    const wrote = performance.now(); // from the write's request: it includes the API's round trip
    await apiStatus(url, "agent-1", "complete");
    const { r, at } = await waiting;
    if (r.structuredContent?.outcome !== "complete") throw new Error(JSON.stringify(r.content));
    times.push(at - wrote);
  }
  return [pct(times, 0.5), pct(times, 0.95)];
}

async function connect(transport) {
  const client = new Client({ name: "hub-bench", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hub-bench-mcp-"));
  const sessions = path.join(dir, "sessions");
  writeRoster(sessions);
  const { child, url } = await startHub(sessions);
  const statuses = ["in_progress", "blocked"];
  try {
    const http = await connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
    const stdio = await connect(new StdioClientTransport({ command: HUB, args: ["mcp", "--sessions-dir", sessions] }));
    const rows = [];
    rows.push(["`hub status set` (a process per call)", await timed((i) => cliStatus(sessions, statuses[i % 2]))]);
    rows.push(["HTTP API `POST …/status`", await timed((i) => apiStatus(url, "agent-1", statuses[i % 2]))]);
    rows.push(["MCP `set_status`, Streamable HTTP (`/mcp`)", await timed((i) => mcpStatus(http, statuses[i % 2]))]);
    rows.push(["MCP `set_status`, stdio (`hub mcp`)", await timed((i) => mcpStatus(stdio, statuses[i % 2]))]);
    const base = rows[0][1][0];
    console.log(`\n| one status write (${TRIALS} calls) | median | p95 | vs \`hub status set\` |\n|---|---|---|---|`);
    for (const [name, [median, p95]] of rows) {
      const ratio = median === base ? "baseline" : `${(base / median).toFixed(1)}x faster`;
      console.log(`| ${name} | ${fmt(median)} | ${fmt(p95)} | ${ratio} |`);
    }
    const wakes = [
      ["MCP `wait_for`, Streamable HTTP", await wakeLatency(http, url)],
      ["MCP `wait_for`, stdio (the folder's watcher)", await wakeLatency(stdio, url)],
    ];
    console.log(`\n| a dependency's write -> \`wait_for\` returns (${WAITS} trials) | p50 | p95 |\n|---|---|---|`);
    for (const [name, [p50, p95]] of wakes) console.log(`| ${name} | ${fmt(p50)} | ${fmt(p95)} |`);
    await http.close();
    await stdio.close();
  } finally {
    child.kill("SIGTERM");
    fs.rmSync(dir, { recursive: true, force: true });
  }
})().catch((err) => { console.error(err); process.exit(1); });
