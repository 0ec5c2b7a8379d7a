"""The agent loop through the official Python MCP SDK (`mcp`), over stdio (`hub mcp`) and over
Streamable HTTP (the hub's /mcp): list and check the tools, get an assignment, wait for a
dependency that another agent completes, ask a person who answers through the HTTP API, and
report complete. Starts its own hub on a free port with a throw-away sessions folder.

    end2end/.venv/bin/python end2end/mcp/agent_loop.py --hub target/release/hub
"""

import argparse
import json
import tomllib
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import anyio
import jsonschema
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

TOOLS = {"list_sessions", "get_assignment", "set_status", "report_usage", "wait_for", "ask_human",
         "read_output"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hub:
    """A hub server of the test's own, and its HTTP API (what people and other agents use)."""

    def __init__(self, binary: str, root: Path):
        self.sessions = root / "sessions"
        self.sessions.mkdir()
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.log = open(root / "server.log", "w")
        self.process = subprocess.Popen(
            [binary, "--addr", f"127.0.0.1:{port}", "--sessions-dir", str(self.sessions),
             "--stubs-dir", str(root / "working"), "--project-root", str(root)],
            stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(100):
            try:
                self.get("/healthz")
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the hub did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(10)

    def get(self, path: str):
        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            return json.load(response)

    def post(self, path: str, body):
        request = urllib.request.Request(
            self.url + path, data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def create_session(self) -> str:
        created = self.post("/api/sessions/create", {
            "stub": {"id": "STUB-PY", "feature_name": "search",
                     "description": "Add full-text search to the API"},
            "instructions": [
                {"id": "build", "type": "task", "content": "Build the search endpoint."},
                {"id": "check", "type": "task", "content": "Test the search endpoint."}],
            "agents": [
                {"agent_id": "backend", "role": "API", "instructions": ["build"]},
                {"agent_id": "tests", "role": "Tests", "instructions": ["check"],
                 "depends_on": ["backend"]}],
        })
        return created["sessionId"]

    def agent(self, session: str, agent: str):
        detail = self.get(f"/api/sessions?id={session}")["session"]
        return next(a for a in detail["agents"] if a["agent_id"] == agent)


def structured(result):
    assert not result.is_error, result.content
    return result.structured_content or json.loads(result.content[0].text)


async def check_tools(client: ClientSession):
    listed = await client.list_tools()
    names = {tool.name for tool in listed.tools}
    assert names == TOOLS, names
    for tool in listed.tools:
        schema = tool.input_schema
        jsonschema.validators.validator_for(schema).check_schema(schema)
        assert tool.description and len(tool.description) > 40, tool.name
    schema = next(t for t in listed.tools if t.name == "set_status").input_schema
    jsonschema.validate({"session": "s", "agent": "a", "status": "complete"}, schema)
    try:
        jsonschema.validate({"session": "s", "agent": "a", "status": "done"}, schema)
        raise AssertionError("a status outside the enum passed the schema")
    except jsonschema.ValidationError:
        pass


async def agent_loop(client: ClientSession, hub: Hub, session: str):
    await check_tools(client)
    listed = structured(await client.call_tool("list_sessions", {}))
    assert session in [s["id"] for s in listed["sessions"]]

    assignment = structured(await client.call_tool(
        "get_assignment", {"session": session, "agent": "tests"}))
    assert assignment["role"] == "Tests"
    assert [d["agent_id"] for d in assignment["depends_on"]] == ["backend"]
    assert "Test the search endpoint." in assignment["prompt"]
    assert assignment["outputs"] == ["outputs/tests.md"]

    structured(await client.call_tool("set_status", {
        "session": session, "agent": "tests", "status": "in_progress",
        "message": "waiting for backend"}))

    # The dependency: wait through MCP while "backend" completes through the API.
    progress = []

    async def on_progress(value, total, message):
        progress.append(message)

    result = {}

    async def wait():
        result["wait"] = structured(await client.call_tool(
            "wait_for", {"session": session, "deps_of": "tests", "timeout_s": 60},
            progress_callback=on_progress))

    async with anyio.create_task_group() as group:
        group.start_soon(wait)
        await anyio.sleep(2.5)
        assert "wait" not in result, "wait_for returned before its dependency was complete"
        hub.post(f"/api/sessions/{session}/agents/backend/status",
                 {"status": "complete", "message": "endpoint done"})
    assert result["wait"]["outcome"] == "complete", result["wait"]
    assert progress and "backend" in progress[0], progress

    # A question, answered by a person through the API.
    async def ask():
        result["ask"] = structured(await client.call_tool("ask_human", {
            "session": session, "agent": "tests", "question": "Which database for the tests?",
            "choices": ["SQLite", "Postgres"], "timeout_s": 60}))

    async with anyio.create_task_group() as group:
        group.start_soon(ask)
        question = None
        for _ in range(100):
            open_questions = hub.get(f"/api/questions?session={session}&open=true")["questions"]
            if open_questions:
                question = open_questions[0]
                break
            await anyio.sleep(0.1)
        assert question and question["agent_id"] == "tests", question
        hub.post(f"/api/sessions/{session}/questions/{question['id']}/answer",
                 {"answer": "Postgres"})
    assert result["ask"]["outcome"] == "answered"
    assert result["ask"]["answer"] == "Postgres"

    # A bad request is a tool error that says what to do next, and loses nothing.
    bad = await client.call_tool("get_assignment", {"session": "no-such-session", "agent": "x"})
    assert bad.is_error and "list_sessions" in bad.content[0].text, bad.content
    refused = await client.call_tool("ask_human", {
        "session": session, "agent": "tests", "question": "Pick one", "choices": ["A", "A"]})
    assert refused.is_error, refused.content

    usage = structured(await client.call_tool("report_usage", {
        "session": session, "agent": "tests", "input_tokens": 5000, "output_tokens": 700,
        "cost_usd": 0.12}))
    assert usage["total"] == {"input_tokens": 5000, "output_tokens": 700, "cost_usd": 0.12}, usage
    negative = await client.call_tool("report_usage", {
        "session": session, "agent": "tests", "cost_usd": -1})
    assert negative.is_error, negative.content

    done = structured(await client.call_tool("set_status", {
        "session": session, "agent": "tests", "status": "complete", "message": "42 tests pass"}))
    assert done["version"] >= 3, done
    # Through stdio the write is on disk; the hub's watcher shows it a moment later.
    for _ in range(50):
        agent = hub.agent(session, "tests")
        if agent["status"] == "complete":
            break
        await anyio.sleep(0.1)
    assert agent["status"] == "complete" and agent["status_message"] == "42 tests pass", agent


def run_hook(command: str, payload, cwd: Path) -> subprocess.CompletedProcess:
    """A hook's command line in a shell, as Codex runs it, the payload on stdin."""
    return subprocess.run(["/bin/sh", "-c", command], input=json.dumps(payload), cwd=cwd,
                          capture_output=True, text=True, timeout=30)


async def codex_integration(binary: str, hub: Hub, root: Path):
    """What `hub integrate codex --write` writes, used as Codex would: the MCP server started
    from .codex/config.toml, the hooks of .codex/hooks.json fed the payloads Codex documents
    (https://developers.openai.com/codex/hooks), and the `notify` program's argument."""
    session = hub.create_session()
    project = root / "project"
    (project / ".codex").mkdir(parents=True)
    (project / ".codex/config.toml").write_text(
        '# mine\nmodel = "o4-mini"\n\n[mcp_servers.docs]\ncommand = "docs-mcp"\n')
    done = subprocess.run(
        [binary, "integrate", "codex", "--session", session, "--agent", "backend",
         "--sessions-dir", str(hub.sessions), "--project-root", str(project),
         "--command", binary, "--write"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr

    config_text = (project / ".codex/config.toml").read_text()
    assert config_text.startswith("# mine\nmodel = \"o4-mini\""), config_text
    config = tomllib.loads(config_text)
    assert config["mcp_servers"]["docs"] == {"command": "docs-mcp"}
    server = config["mcp_servers"]["sessions-hub"]
    assert server["tool_timeout_sec"] >= 600, server
    params = StdioServerParameters(command=server["command"], args=server["args"], cwd=str(project))
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as client:
            await client.initialize()
            assignment = structured(await client.call_tool(
                "get_assignment", {"session": session, "agent": "backend"}))
            assert assignment["waited_on_by"] == ["tests"]

    hooks = json.loads((project / ".codex/hooks.json").read_text())["hooks"]
    command = lambda event: hooks[event][0]["hooks"][0]["command"]
    base = {"session_id": "thr_123", "transcript_path": "/tmp/t.jsonl", "cwd": str(project),
            "model": "gpt-5-codex", "permission_mode": "default", "turn_id": "t1"}

    def agent():
        return hub.agent(session, "backend")

    async def eventually(check, what):
        for _ in range(50):
            if check(agent()):
                return
            await anyio.sleep(0.1)
        raise AssertionError(f"{what}: {agent()}")

    ran = run_hook(command("UserPromptSubmit"),
                   {**base, "hook_event_name": "UserPromptSubmit", "prompt": "Build it"}, project)
    assert ran.returncode == 0, ran.stderr
    await eventually(lambda a: a["status"] == "in_progress", "in_progress at a turn's start")

    ran = run_hook(command("PermissionRequest"),
                   {**base, "hook_event_name": "PermissionRequest", "tool_name": "Bash",
                    "tool_input": {"command": "cargo publish"}}, project)
    assert ran.returncode == 0, ran.stderr
    await eventually(lambda a: a["needs_input"], "needs input on a permission prompt")

    ran = run_hook(command("PostToolUse"),
                   {**base, "hook_event_name": "PostToolUse", "tool_name": "Bash",
                    "tool_use_id": "u1", "tool_input": {"command": "cargo publish"},
                    "tool_response": {}}, project)
    assert ran.returncode == 0, ran.stderr
    await eventually(lambda a: not a["needs_input"], "the permission settled after the tool ran")

    ran = run_hook(command("Stop"), {**base, "hook_event_name": "Stop", "stop_hook_active": False,
                                     "last_assistant_message": "Published."}, project)
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout) == {}, "Codex reads a JSON answer from a Stop hook"
    await eventually(lambda a: "Last said: Published." in (a.get("status_message") or ""),
                     "a status at the end of the turn")

    # Codex's `notify` program gets its JSON as the last argument, not on stdin.
    notify = {"type": "agent-turn-complete", "thread-id": "b5f6", "turn-id": "12345",
              "cwd": str(project), "input-messages": ["Rename foo"],
              "last-assistant-message": "Rename complete"}
    ran = subprocess.run(
        [binary, "hook", "codex", "--session", session, "--agent", "backend",
         "--sessions-dir", str(hub.sessions), json.dumps(notify)],
        capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert ran.returncode == 0, ran.stderr
    await eventually(lambda a: "Rename complete" in (a.get("status_message") or ""),
                     "notify's turn-complete")


async def main(binary: str):
    with tempfile.TemporaryDirectory(prefix="hub-mcp-py-") as root:
        hub = Hub(binary, Path(root))
        try:
            session = hub.create_session()
            params = StdioServerParameters(
                command=binary, args=["mcp", "--sessions-dir", str(hub.sessions)])
            async with stdio_client(params) as (read, write):
                async with ClientSession(read, write) as client:
                    await client.initialize()
                    await agent_loop(client, hub, session)
            print("python mcp sdk, stdio: the agent loop ran")

            session = hub.create_session()
            async with streamable_http_client(hub.url + "/mcp") as streams:
                read, write = streams[0], streams[1]
                async with ClientSession(read, write) as client:
                    info = await client.initialize()
                    assert info.server_info.name == "sessions-hub", info.server_info
                    await agent_loop(client, hub, session)
            print("python mcp sdk, streamable http: the agent loop ran")

            await codex_integration(binary, hub, Path(root))
            print("hub integrate codex: its MCP entry served and its hooks set the statuses")
        finally:
            hub.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--hub", required=True, help="the hub binary")
    anyio.run(main, str(Path(parser.parse_args().hub).resolve()))
