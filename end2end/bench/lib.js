// What the agent benchmarks share: a free port, a release hub on a sessions folder, percentiles.
const { spawn } = require("node:child_process");
const os = require("node:os");
const path = require("node:path");
const net = require("node:net");

const ROOT = path.resolve(__dirname, "../..");
const HUB = process.env.HUB_BIN ?? path.join(ROOT, "target/release/hub");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.round((s.length - 1) * p)]; };

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** A hub serving `sessionsDir` on a free port, once `/healthz` answers. */
async function startHub(sessionsDir) {
  const port = await freePort();
  const child = spawn(HUB, ["--addr", `127.0.0.1:${port}`, "--sessions-dir", sessionsDir], { cwd: os.tmpdir(), stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try { if ((await fetch(`${url}/healthz`)).ok) return { child, url }; } catch {}
    await sleep(50);
  }
  throw new Error("hub did not start");
}

module.exports = { HUB, ROOT, sleep, pct, freePort, startHub };
