import { test, expect } from "@playwright/test";
import { gunzipSync, brotliDecompressSync } from "node:zlib";
import * as http from "node:http";

// The site is inside the `hub` binary (scripts/hub e2e starts it from a directory without a
// target/site): each file with its type, an ETag and the encoding the client asks for. Runs once:
// these are plain HTTP requests.

const files = [
  { path: "/pkg/sessions-hub.wasm", type: "application/wasm" },
  { path: "/pkg/sessions-hub.js", type: /^(text|application)\/javascript/ },
  { path: "/pkg/sessions-hub.css", type: /^text\/css/ },
  { path: "/favicon.svg", type: /^image\/svg\+xml/ },
];

for (const file of files) {
  test(`${file.path} is served from the binary, compressed and revalidated`, async ({ request }) => {
    const plain = await request.get(file.path, { headers: { "accept-encoding": "identity" } });
    expect(plain.status()).toBe(200);
    expect(plain.headers()["content-type"]).toMatch(file.type);
    expect(plain.headers()["content-encoding"]).toBeUndefined();
    expect(plain.headers()["cache-control"]).toBe("no-cache");
    const etag = plain.headers()["etag"];
    expect(etag).toBeTruthy();
    const body = await plain.body();
    expect(body.length).toBeGreaterThan(100);

    for (const [encoding, decode] of [
      ["br", brotliDecompressSync],
      ["gzip", gunzipSync],
    ] as const) {
      // Playwright decodes bodies itself: the raw bytes come through node:http.
      const raw = await rawGet(file.path, encoding);
      expect(raw.headers["content-encoding"], encoding).toBe(encoding);
      expect(raw.body.length, `${encoding} is smaller`).toBeLessThan(body.length);
      expect(decode(raw.body).equals(body), `${encoding} decodes to the file`).toBe(true);
    }

    const again = await request.get(file.path, { headers: { "if-none-match": etag } });
    expect(again.status()).toBe(304);
  });
}

test("an unknown file is the hub's 404 page, not an empty answer", async ({ page }) => {
  const response = await page.goto("/pkg/nothing-here.js");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});

function rawGet(path: string, encoding: string): Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }> {
  const base = new URL(process.env.BASE_URL ?? "http://127.0.0.1:3000");
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: base.hostname, port: base.port, path, headers: { "accept-encoding": encoding } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
  });
}
