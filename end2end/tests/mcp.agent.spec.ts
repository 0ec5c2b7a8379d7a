// Agents through the Model Context Protocol, with the official TypeScript SDK as the client:
// over stdio (`hub mcp`, as an agent CLI starts it) and over Streamable HTTP (the hub's /mcp).
// Then what `hub integrate claude-code --write` writes, used as Claude Code would use it: the
// MCP server started from `.mcp.json`, the hooks of `.claude/settings.json` fed the payloads
// Claude Code documents (https://code.claude.com/docs/en/hooks).

import { test, expect } from "@playwright/test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import Ajv2020 from "ajv/dist/2020";
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { HUB_BIN, HubServer, hubCli, tempDir } from "./fixtures/server";

const TOOLS = ["ask_human", "get_assignment", "list_sessions", "read_output", "report_usage", "set_status", "wait_for"];

type Json = Record<string, any>;

/** A session of two agents, "tests" waiting for "backend", made through the hub's API. */
async function createSession(base: string): Promise<string> {
  const response = await fetch(`${base}/api/sessions/create`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      stub: { id: "STUB-MCP", feature_name: "search", description: "Add full-text search to the API" },
      instructions: [
        { id: "build", type: "task", content: "Build the search endpoint." },
        { id: "check", type: "task", content: "Test the search endpoint." },
      ],
      agents: [
        { agent_id: "backend", role: "API", instructions: ["build"] },
        { agent_id: "tests", role: "Tests", instructions: ["check"], depends_on: ["backend"] },
      ],
    }),
  });
  expect(response.status).toBe(201);
  return (await response.json()).sessionId;
}

async function api(base: string, route: string, body?: unknown): Promise<Json> {
  const response = await fetch(base + route, body === undefined ? {} : {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.ok, `${route}: ${response.status}`).toBeTruthy();
  return response.json();
}

async function agentOf(base: string, session: string, agent: string): Promise<Json> {
  const detail = await api(base, `/api/sessions?id=${session}`);
  return detail.session.agents.find((a: Json) => a.agent_id === agent);
}

function structured(result: unknown): Json {
  const call = result as CallToolResult;
  expect(call.isError, JSON.stringify(call.content)).toBeFalsy();
  return call.structuredContent as Json;
}

function errorText(result: unknown): string {
  const call = result as CallToolResult;
  expect(call.isError).toBe(true);
  return (call.content[0] as { text: string }).text;
}

async function connect(transport: StdioClientTransport | StreamableHTTPClientTransport): Promise<Client> {
  const client = new Client({ name: "hub-e2e", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

function stdio(sessionsDir: string): StdioClientTransport {
  return new StdioClientTransport({ command: HUB_BIN, args: ["mcp", "--sessions-dir", sessionsDir], stderr: "pipe" });
}

/** The whole loop an agent runs: assignment, wait for its dependency, ask, report complete. */
async function agentLoop(client: Client, base: string, session: string) {
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name).sort()).toEqual(TOOLS);
  const ajv = new Ajv2020({ strict: false });
  for (const tool of tools) {
    expect(tool.description?.length, tool.name).toBeGreaterThan(40);
    const validate = ajv.compile(tool.inputSchema);
    if (tool.name === "set_status") {
      expect(validate({ session: "s", agent: "a", status: "blocked", message: "no database" })).toBe(true);
      expect(validate({ session: "s", agent: "a", status: "finished" })).toBe(false);
      expect(validate({ session: "s", status: "complete" })).toBe(false);
    }
    if (tool.name === "report_usage") {
      expect(validate({ session: "s", agent: "a", input_tokens: 1200, cost_usd: 0.04 })).toBe(true);
      expect(validate({ session: "s", agent: "a", input_tokens: -1 })).toBe(false);
    }
  }

  const listed = structured(await client.callTool({ name: "list_sessions", arguments: {} }));
  expect(listed.sessions.map((s: Json) => s.id)).toContain(session);

  const assignment = structured(
    await client.callTool({ name: "get_assignment", arguments: { session, agent: "tests" } }),
  );
  expect(assignment.role).toBe("Tests");
  expect(assignment.depends_on).toEqual([
    expect.objectContaining({ agent_id: "backend", status: "not_started" }),
  ]);
  expect(assignment.prompt).toContain("Test the search endpoint.");
  expect(assignment.outputs).toEqual(["outputs/tests.md"]);

  structured(await client.callTool({
    name: "set_status",
    arguments: { session, agent: "tests", status: "in_progress", message: "waiting for backend" },
  }));

  // Waits while another agent ("backend", through the API) finishes, with progress meanwhile.
  const progress: string[] = [];
  let settled = false;
  const waiting = client
    .callTool(
      { name: "wait_for", arguments: { session, deps_of: "tests", timeout_s: 60 } },
      undefined,
      { onprogress: (p) => progress.push(p.message ?? ""), resetTimeoutOnProgress: true },
    )
    .finally(() => (settled = true));
  await new Promise((r) => setTimeout(r, 2_500));
  expect(settled, "wait_for returned before backend was complete").toBe(false);
  await api(base, `/api/sessions/${session}/agents/backend/status`, { status: "complete", message: "endpoint done" });
  const waited = structured(await waiting);
  expect(waited.outcome).toBe("complete");
  expect(progress[0]).toContain("backend");

  // A question to a person, answered through the API (as the Monitor tab does).
  const asking = client.callTool({
    name: "ask_human",
    arguments: { session, agent: "tests", question: "Which database for the tests?", choices: ["SQLite", "Postgres"] },
  });
  await expect
    .poll(async () => (await api(base, `/api/questions?session=${session}&open=true`)).questions.length)
    .toBe(1);
  const [question] = (await api(base, `/api/questions?session=${session}&open=true`)).questions;
  expect(question.agent_id).toBe("tests");
  await api(base, `/api/sessions/${session}/questions/${question.id}/answer`, { answer: "Postgres" });
  const answered = structured(await asking);
  expect(answered).toMatchObject({ outcome: "answered", answer: "Postgres" });

  const output = structured(await client.callTool({ name: "read_output", arguments: { session, agent: "backend" } }));
  expect(output).toMatchObject({ path: "outputs/backend.md", exists: false });

  // Bad input: a tool error that says what to do next; nothing changes.
  expect(errorText(await client.callTool({ name: "get_assignment", arguments: { session: "no-such-session", agent: "x" } })))
    .toMatch(/no session "no-such-session".*list_sessions/);
  expect(errorText(await client.callTool({ name: "get_assignment", arguments: { session: "../etc", agent: "x" } })))
    .toMatch(/invalid session id.*list_sessions/);
  expect(errorText(await client.callTool({ name: "get_assignment", arguments: { session, agent: "nobody" } })))
    .toContain("its agents are: backend, tests");
  expect(errorText(await client.callTool({ name: "set_status", arguments: { session, agent: "nobody", status: "complete" } })))
    .toMatch(/no agent "nobody".*get_assignment/);
  expect(errorText(await client.callTool({ name: "wait_for", arguments: { session, agents: ["backend"], deps_of: "tests" } })))
    .toContain("not both");
  expect(errorText(await client.callTool({
    name: "set_status",
    arguments: { session, agent: "tests", status: "complete", expected_version: 1 },
  }))).toMatch(/version/);

  // Usage: two reports add up; a report of nothing is refused and adds nothing.
  structured(await client.callTool({
    name: "report_usage",
    arguments: { session, agent: "tests", input_tokens: 1200, output_tokens: 300, cost_usd: 0.04 },
  }));
  const usage = structured(await client.callTool({
    name: "report_usage",
    arguments: { session, agent: "tests", input_tokens: 800, cost_usd: 0.01 },
  }));
  expect(usage.total).toEqual({ input_tokens: 2000, output_tokens: 300, cost_usd: 0.05 });
  expect(errorText(await client.callTool({ name: "report_usage", arguments: { session, agent: "tests" } })))
    .toMatch(/input_tokens, output_tokens or cost_usd/);
  // Through stdio the write is on disk; the hub's watcher shows it a moment later.
  await expect
    .poll(async () => (await agentOf(base, session, "tests")).usage)
    .toEqual({ input_tokens: 2000, output_tokens: 300, cost_usd: 0.05 });

  const done = structured(await client.callTool({
    name: "set_status",
    arguments: { session, agent: "tests", status: "complete", message: "42 tests pass" },
  }));
  expect(done.version).toBeGreaterThan(1);
  await expect.poll(async () => (await agentOf(base, session, "tests")).status).toBe("complete");
  expect((await agentOf(base, session, "tests")).status_message).toBe("42 tests pass");

  // The history says what the agent did, and that it did it through MCP.
  const { events } = await api(base, `/api/sessions/${session}/history`);
  const byTests = events.filter((e: Json) => e.agent === "tests").map((e: Json) => `${e.kind}:${e.to ?? ""}:${e.by}`);
  expect(byTests).toEqual([
    "status:not_started:api", // as the session was created
    "status:in_progress:mcp",
    "question_asked::mcp",
    "question_answered::api",
    "usage::mcp",
    "usage::mcp",
    "status:complete:mcp",
  ]);
}

test.describe("MCP through the official TypeScript SDK", () => {
  test.setTimeout(60_000);

  test("over stdio, hub mcp runs the agent loop on the sessions folder", async ({ baseURL }) => {
    const session = await createSession(baseURL!);
    const client = await connect(stdio(process.env.HUB_SESSIONS_DIR!));
    try {
      expect(client.getServerVersion()?.name).toBe("sessions-hub");
      expect(client.getInstructions()).toContain("get_assignment");
      await agentLoop(client, baseURL!, session);
    } finally {
      await client.close();
    }
  });

  test("over stdio against a running hub, hub mcp --hub-url runs the agent loop through its API", async ({ baseURL }) => {
    const session = await createSession(baseURL!);
    const client = await connect(new StdioClientTransport({ command: HUB_BIN, args: ["mcp", "--hub-url", baseURL!], stderr: "pipe" }));
    try {
      await agentLoop(client, baseURL!, session);
    } finally {
      await client.close();
    }
  });

  test("over Streamable HTTP, /mcp runs the agent loop in the running hub", async ({ baseURL }) => {
    const session = await createSession(baseURL!);
    const client = await connect(new StreamableHTTPClientTransport(new URL(`${baseURL}/mcp`)));
    try {
      await agentLoop(client, baseURL!, session);
    } finally {
      await client.close();
    }
  });

  test("a cancelled wait ends at once, on the server too, and the server goes on answering", async ({ baseURL }) => {
    const session = await createSession(baseURL!);
    const transport = stdio(process.env.HUB_SESSIONS_DIR!);
    let log = "";
    transport.stderr?.on("data", (chunk) => (log += chunk));
    const client = await connect(transport);
    try {
      const abort = new AbortController();
      const waiting = client.callTool(
        { name: "wait_for", arguments: { session, agents: ["backend"], timeout_s: 600 } },
        undefined,
        { signal: abort.signal },
      );
      await new Promise((r) => setTimeout(r, 1_000));
      const started = Date.now();
      abort.abort("the agent moved on");
      await expect(waiting).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(1_000);
      await expect.poll(() => log).toContain("a wait was cancelled by the client");
      const listed = structured(await client.callTool({ name: "list_sessions", arguments: {} }));
      expect(listed.sessions.length).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });

  test("/mcp keeps the API's rules: a hub with a token refuses a client without it", async () => {
    const hub = await HubServer.start({ args: ["--token", "s3cret-token"] });
    try {
      const refused = await connect(new StreamableHTTPClientTransport(new URL(`${hub.url}/mcp`))).catch((e) => e);
      expect(String(refused)).toMatch(/401|token/);
      const client = await connect(new StreamableHTTPClientTransport(new URL(`${hub.url}/mcp`), {
        requestInit: { headers: { Authorization: "Bearer s3cret-token" } },
      }));
      const { tools } = await client.listTools();
      expect(tools).toHaveLength(TOOLS.length);
      await client.close();
      const foreign = await fetch(`${hub.url}/mcp`, {
        method: "POST",
        headers: { Authorization: "Bearer s3cret-token", Origin: "http://evil.example", "Content-Type": "application/json" },
        body: "{}",
      });
      expect(foreign.status).toBe(403);
    } finally {
      await hub.stop();
    }
  });
});

/** Runs a hook's command line in a shell, as the agent CLI does, with `payload` on stdin. */
function runHook(command: string, payload: unknown, cwd: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile("/bin/sh", ["-c", command], { cwd }, (error, _stdout, stderr) =>
      resolve({ code: error ? (error as any).code ?? 1 : 0, stderr }),
    );
    child.stdin?.end(JSON.stringify(payload));
  });
}

test.describe("hub integrate claude-code", () => {
  test("writes .mcp.json and hooks that Claude Code can use, next to what was there", async ({ baseURL }) => {
    const sessionsDir = process.env.HUB_SESSIONS_DIR!;
    const session = await createSession(baseURL!);
    const project = tempDir("project");
    const settingsFile = path.join(project, ".claude/settings.json");
    mkdirSync(path.dirname(settingsFile), { recursive: true });
    writeFileSync(settingsFile, JSON.stringify({ permissions: { allow: ["Bash(npm test)"] } }));

    const integrated = await hubCli([
      "integrate", "claude-code", "--session", session, "--agent", "backend",
      "--sessions-dir", sessionsDir, "--project-root", project, "--command", HUB_BIN, "--write",
    ]);
    expect(integrated.code, integrated.stderr).toBe(0);

    // .mcp.json: Claude Code's project-scoped format, started as Claude Code would.
    const mcp = JSON.parse(readFileSync(path.join(project, ".mcp.json"), "utf8"));
    const entry = mcp.mcpServers["sessions-hub"];
    expect(entry).toEqual({ type: "stdio", command: HUB_BIN, args: ["mcp", "--sessions-dir", sessionsDir] });
    const client = await connect(new StdioClientTransport({ command: entry.command, args: entry.args, cwd: project }));
    const assignment = structured(
      await client.callTool({ name: "get_assignment", arguments: { session, agent: "backend" } }),
    );
    expect(assignment.waited_on_by).toEqual(["tests"]);
    await client.close();

    // .claude/settings.json: the user's permissions kept, four hooks added.
    const settings = JSON.parse(readFileSync(settingsFile, "utf8"));
    expect(settings.permissions).toEqual({ allow: ["Bash(npm test)"] });
    const hookOf = (event: string) => {
      const groups = settings.hooks[event];
      expect(groups, event).toHaveLength(1);
      expect(groups[0].hooks[0]).toMatchObject({ type: "command", timeout: 10 });
      return groups[0].hooks[0].command as string;
    };
    const base = { session_id: "abc123", transcript_path: "/tmp/t.jsonl", cwd: project, permission_mode: "default" };

    // A turn starts: in_progress.
    expect((await runHook(hookOf("UserPromptSubmit"), { ...base, hook_event_name: "UserPromptSubmit", prompt: "Build it" }, project)).code).toBe(0);
    await expect.poll(async () => (await agentOf(baseURL!, session, "backend")).status).toBe("in_progress");

    // A permission prompt: the agent needs input (an open question in "Needs you").
    const permission = {
      ...base, hook_event_name: "PermissionRequest", tool_name: "Bash",
      tool_input: { command: "rm -rf node_modules", description: "Remove node_modules" },
      permission_suggestions: [],
    };
    expect((await runHook(hookOf("PermissionRequest"), permission, project)).code).toBe(0);
    await expect.poll(async () => (await agentOf(baseURL!, session, "backend")).needs_input).toBe(true);
    const open = (await api(baseURL!, `/api/questions?session=${session}&open=true`)).questions;
    expect(open.map((q: Json) => q.question)).toEqual(["Permission needed in the terminal: Bash: Remove node_modules"]);

    // The tool ran: answered in the terminal, the question closes.
    const ran = { ...base, hook_event_name: "PostToolUse", tool_name: "Bash", tool_input: permission.tool_input, tool_response: {} };
    expect((await runHook(hookOf("PostToolUse"), ran, project)).code).toBe(0);
    await expect.poll(async () => (await agentOf(baseURL!, session, "backend")).needs_input).toBe(false);

    // The turn ends: a status with what the agent said last.
    const stop = { ...base, hook_event_name: "Stop", stop_hook_active: false, last_assistant_message: "The endpoint is in place." };
    expect((await runHook(hookOf("Stop"), stop, project)).code).toBe(0);
    await expect.poll(async () => (await agentOf(baseURL!, session, "backend")).status_message)
      .toBe("Turn ended, waiting for a prompt. Last said: The endpoint is in place.");

    // A model that reported complete keeps it when the turn ends.
    await api(baseURL!, `/api/sessions/${session}/agents/backend/status`, { status: "complete", message: "done" });
    expect((await runHook(hookOf("Stop"), stop, project)).code).toBe(0);
    expect((await agentOf(baseURL!, session, "backend")).status).toBe("complete");

    // Running it again replaces our hooks instead of adding a second set.
    const again = await hubCli([
      "integrate", "claude-code", "--session", session, "--agent", "backend",
      "--sessions-dir", sessionsDir, "--project-root", project, "--command", HUB_BIN, "--write",
    ]);
    expect(again.code).toBe(0);
    const twice = JSON.parse(readFileSync(settingsFile, "utf8"));
    for (const event of ["UserPromptSubmit", "PermissionRequest", "PostToolUse", "Stop"]) {
      expect(twice.hooks[event]).toHaveLength(1);
    }
  });

  test("a hook never blocks the agent: bad payloads and unknown agents exit 1, not 2", async ({ baseURL }) => {
    const session = await createSession(baseURL!);
    const dir = process.env.HUB_SESSIONS_DIR!;
    const command = `'${HUB_BIN}' hook claude-code --session ${session} --agent backend --sessions-dir '${dir}'`;
    const notJson = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile("/bin/sh", ["-c", command], (error, _o, stderr) => resolve({ code: error ? (error as any).code : 0, stderr }));
      child.stdin?.end("not json");
    });
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toContain("not JSON");
    const unknown = await runHook(command.replace("--agent backend", "--agent nobody"), { hook_event_name: "UserPromptSubmit", prompt: "x" }, dir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/nobody/);
    const badFlag = await runHook(`'${HUB_BIN}' hook claude-code --no-such-flag`, {}, dir);
    expect(badFlag.code).toBe(1);
    // Not a hub agent's terminal (no session, no agent): nothing to do, exit 0.
    expect((await runHook(`'${HUB_BIN}' hook claude-code`, { hook_event_name: "Stop" }, dir)).code).toBe(0);
    expect((await agentOf(baseURL!, session, "backend")).status).toBe("not_started");
  });
});
