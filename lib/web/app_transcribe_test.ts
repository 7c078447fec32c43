import assert from "node:assert/strict";
import { MAX_AUDIO_BYTES } from "../agent/providers/transcribe.ts";
import { mockServer, type MockTranscription } from "../../testing/mock_openai.ts";
import { ORIGIN, testApp, TestClient } from "../../testing/web_app.ts";

/** A few bytes standing in for a recording (the mock does not decode audio). */
const AUDIO = new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 1, 2, 3, 4]);

async function withMock(
  transcriptions: MockTranscription[],
  fn: (c: TestClient, mock: ReturnType<typeof mockServer>) => Promise<void>,
  env: Record<string, string> = {},
): Promise<void> {
  const mock = mockServer([], { transcriptions });
  const t = await testApp({
    env: {
      MODEL_PROVIDER: "openai",
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: mock.baseUrl,
      ...env,
    },
  });
  try {
    await fn(await new TestClient(t.app).login("alice"), mock);
  } finally {
    await t.close();
    await mock.close();
  }
}

/** POSTs raw bytes to /api/transcribe as the signed-in client. */
async function upload(
  c: TestClient,
  body: Uint8Array<ArrayBuffer>,
  type: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: { text?: string; error?: { code: string; message: string } } }> {
  const h = new Headers({ Origin: ORIGIN, "Content-Type": type, ...headers });
  if (c.cookie) h.set("Cookie", c.cookie);
  const res = await c.app.fetch(
    new Request(`${ORIGIN}/api/transcribe`, { method: "POST", headers: h, body }),
  );
  return { status: res.status, body: await res.json() };
}

Deno.test("transcribe: a recording comes back as text from the configured endpoint", async () => {
  await withMock(["  How many calls were missed yesterday?  "], async (c, mock) => {
    const info = await c.json("GET", "/api/transcribe");
    assert.equal(info.status, 200);
    assert.deepEqual(info.body, { available: true, max_bytes: MAX_AUDIO_BYTES, max_seconds: 60 });

    const r = await upload(c, AUDIO, "audio/webm;codecs=opus");
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { text: "How many calls were missed yesterday?" });
    assert.deepEqual(mock.uploads, [{
      model: "whisper-1",
      fileName: "speech.webm",
      type: "audio/webm",
      size: AUDIO.byteLength,
    }]);
    assert.equal(mock.bodies.length, 0, "no chat completion: nothing was asked");
  }, {});
});

Deno.test("transcribe: the model comes from OPENAI_TRANSCRIBE_MODEL; wav is accepted", async () => {
  await withMock(["ok"], async (c, mock) => {
    const r = await upload(c, AUDIO, "audio/wav");
    assert.equal(r.status, 200);
    assert.equal(mock.uploads[0].model, "gpt-4o-mini-transcribe");
    assert.equal(mock.uploads[0].fileName, "speech.wav");
  }, { OPENAI_TRANSCRIBE_MODEL: "gpt-4o-mini-transcribe" });
});

Deno.test("transcribe: another type is 415, an empty body 400, nothing sent upstream", async () => {
  await withMock(["never"], async (c, mock) => {
    let r = await upload(c, AUDIO, "video/webm");
    assert.equal(r.status, 415);
    assert.equal(r.body.error?.code, "unsupported_media_type");
    assert.match(r.body.error!.message, /audio\/webm/);
    r = await upload(c, AUDIO, "application/json");
    assert.equal(r.status, 415);
    r = await upload(c, new Uint8Array(), "audio/ogg");
    assert.equal(r.status, 400);
    assert.match(r.body.error!.message, /empty/);
    assert.equal(mock.uploads.length, 0);
  });
});

Deno.test("transcribe: over 2 MiB is 413 (the route's own limit, above the JSON one)", async () => {
  await withMock(["fine"], async (c, mock) => {
    // Above the server's 64 KiB JSON limit but under the audio cap: accepted.
    let r = await upload(c, new Uint8Array(512 * 1024), "audio/ogg");
    assert.equal(r.status, 200);
    r = await upload(c, new Uint8Array(MAX_AUDIO_BYTES + 1), "audio/ogg");
    assert.equal(r.status, 413);
    assert.equal(r.body.error?.code, "payload_too_large");
    assert.equal(mock.uploads.length, 1);
    // Other routes keep the JSON limit.
    const big = await c.request("POST", "/api/conversations", "x".repeat(70 * 1024));
    assert.equal(big.status, 413);
    await big.body?.cancel();
  });
});

Deno.test("transcribe: an endpoint error is a readable 502 without details", async () => {
  await withMock(
    [{ status: 500, json: { error: { message: "internal at /srv/whisper.py:42" } } }],
    async (c) => {
      const r = await upload(c, AUDIO, "audio/mpeg");
      assert.equal(r.status, 502);
      assert.equal(r.body.error?.code, "transcription_failed");
      assert.equal(
        r.body.error?.message,
        "The transcription service refused the recording (HTTP 500)",
      );
      assert.doesNotMatch(JSON.stringify(r.body), /whisper\.py|at /);
    },
  );
});

Deno.test("transcribe: past the deadline is 504", async () => {
  await withMock([{ hang: true }], async (c, mock) => {
    const started = Date.now();
    const r = await upload(c, AUDIO, "audio/mp4");
    assert.equal(r.status, 504);
    assert.equal(r.body.error?.code, "transcription_timeout");
    assert.match(r.body.error!.message, /did not answer within/);
    assert.ok(Date.now() - started < 5000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(mock.aborted, 1, "the upstream call was aborted");
  }, { MODEL_TIMEOUT_MS: "300" });
});

Deno.test("transcribe: offline is 503 and GET says unavailable; signed out is 401", async () => {
  const t = await testApp({ env: { MODEL_PROVIDER: "offline" } });
  try {
    const anon = new TestClient(t.app);
    const r0 = await upload(anon, AUDIO, "audio/webm");
    assert.equal(r0.status, 401);
    const c = await new TestClient(t.app).login("alice");
    const info = await c.json("GET", "/api/transcribe");
    assert.equal(info.body.available, false);
    const r = await upload(c, AUDIO, "audio/webm");
    assert.equal(r.status, 503);
    assert.equal(r.body.error?.code, "transcription_unavailable");
    assert.match(r.body.error!.message, /not configured/);
  } finally {
    await t.close();
  }
});

Deno.test("transcribe: a cross-site POST is refused (CSRF)", async () => {
  await withMock(["never"], async (c, mock) => {
    const r = await upload(c, AUDIO, "audio/webm", {
      Origin: "https://evil.example",
      "Sec-Fetch-Site": "cross-site",
    });
    assert.equal(r.status, 403);
    assert.equal(mock.uploads.length, 0);
  });
});
