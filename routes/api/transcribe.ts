/**
 * Voice input through the server.
 *
 * - GET /api/transcribe → `{available, max_bytes, max_seconds}`: whether recordings can be
 *   transcribed here (the composer hides its server path otherwise).
 * - POST /api/transcribe with a recording as the raw body (`Content-Type` one of
 *   `audio/webm`, `audio/ogg`, `audio/wav`, `audio/mp4`, `audio/mpeg`; parameters such as
 *   `codecs` allowed) → 200 `{text}`. The text only goes back to the composer: nothing is
 *   asked. 415 for other types, 413 over 2 MiB, 400 when empty, 503 without a configured
 *   OpenAI-compatible endpoint, 502 when the endpoint fails, 504 past the deadline.
 *
 * Signed-in only, CSRF-checked by the middleware like every POST.
 */
import {
  AUDIO_TYPES,
  MAX_AUDIO_BYTES,
  MAX_AUDIO_SECONDS,
  mediaType,
  transcribe,
  transcriptionAvailable,
  TranscriptionError,
} from "../../lib/agent/providers/transcribe.ts";
import { BadRequestError, HttpError } from "../../lib/web/errors.ts";
import { json, requireUser } from "../../lib/web/http.ts";
import type { AppState } from "../../lib/web/state.ts";
import type { Handlers } from "../../lib/web/types.ts";

/** Audio bodies are larger than the server's JSON limit. */
export const config = { maxBodyBytes: MAX_AUDIO_BYTES };

const STATUS: Record<TranscriptionError["kind"], [number, string]> = {
  unavailable: [503, "transcription_unavailable"],
  timeout: [504, "transcription_timeout"],
  unreachable: [502, "transcription_unreachable"],
  model: [502, "transcription_failed"],
};

export const handler: Handlers<unknown, AppState> = {
  GET(_req, ctx) {
    requireUser(ctx.state);
    return json({
      available: transcriptionAvailable(ctx.state.app.config),
      max_bytes: MAX_AUDIO_BYTES,
      max_seconds: MAX_AUDIO_SECONDS,
    });
  },

  async POST(req, ctx) {
    requireUser(ctx.state);
    const app = ctx.state.app;
    const type = mediaType(req.headers.get("content-type"));
    if (!(type in AUDIO_TYPES)) {
      await req.body?.cancel();
      throw new HttpError(
        415,
        "unsupported_media_type",
        `Send the recording as ${Object.keys(AUDIO_TYPES).join(", ")}` +
          (type ? ` (got ${type})` : ""),
      );
    }
    if (!transcriptionAvailable(app.config)) {
      await req.body?.cancel();
      throw new HttpError(
        503,
        "transcription_unavailable",
        "Voice transcription is not configured on this server: type your question instead",
      );
    }
    const audio = new Uint8Array(await req.arrayBuffer());
    if (audio.byteLength === 0) throw new BadRequestError("The recording is empty");
    try {
      const text = await transcribe(app.config, { audio, type, signal: req.signal });
      return json({ text });
    } catch (e) {
      if (!(e instanceof TranscriptionError)) throw e;
      app.log("Transcription failed", e.message);
      const [status, code] = STATUS[e.kind];
      throw new HttpError(status, code, e.message);
    }
  },
};
