import assert from "node:assert/strict";
import { loadConfig } from "../../config.ts";
import { mediaType, transcribe, transcriptionAvailable, TranscriptionError } from "./transcribe.ts";

Deno.test("transcribe: media types lose their parameters and case", () => {
  assert.equal(mediaType("Audio/WebM; codecs=opus"), "audio/webm");
  assert.equal(mediaType(null), "");
});

Deno.test("transcribe: available only with the OpenAI-compatible provider configured", () => {
  assert.equal(transcriptionAvailable(loadConfig({ MODEL_PROVIDER: "offline" })), false);
  assert.equal(transcriptionAvailable(loadConfig({ MODEL_PROVIDER: "auto" })), false);
  assert.equal(
    transcriptionAvailable(loadConfig({ MODEL_PROVIDER: "auto", OPENAI_API_KEY: "sk" })),
    true,
  );
  assert.equal(
    transcriptionAvailable(
      loadConfig({ MODEL_PROVIDER: "openai", OPENAI_BASE_URL: "http://127.0.0.1:1/v1" }),
    ),
    true,
  );
  assert.equal(loadConfig({}).model.transcribeModel, "whisper-1");
});

Deno.test("transcribe: offline refuses with a readable error, without a call", async () => {
  let called = 0;
  const fetch = (() => {
    called++;
    return Promise.resolve(new Response("{}"));
  }) as typeof globalThis.fetch;
  await assert.rejects(
    transcribe(loadConfig({ MODEL_PROVIDER: "offline" }), {
      audio: new Uint8Array([1]),
      type: "audio/webm",
      fetch,
    }),
    (e) =>
      e instanceof TranscriptionError && e.kind === "unavailable" &&
      /not configured/.test(e.message),
  );
  assert.equal(called, 0);
});

Deno.test("transcribe: an unreachable endpoint is a readable error", async () => {
  const fetch =
    (() => Promise.reject(new TypeError("connection refused"))) as typeof globalThis.fetch;
  await assert.rejects(
    transcribe(loadConfig({ MODEL_PROVIDER: "openai", OPENAI_API_KEY: "sk" }), {
      audio: new Uint8Array([1]),
      type: "audio/ogg",
      fetch,
    }),
    (e) =>
      e instanceof TranscriptionError && e.kind === "unreachable" &&
      e.message === "The transcription service could not be reached",
  );
});
