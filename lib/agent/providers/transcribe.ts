/**
 * Speech to text for the composer's microphone: one call to the configured
 * OpenAI-compatible `/audio/transcriptions` (the `openai` SDK's
 * `audio.transcriptions.create`), with a deadline and no retries (someone is waiting).
 * Failures are {@linkcode TranscriptionError}s whose messages are safe to show.
 */
import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError, toFile } from "openai";
import type { Config } from "../../config.ts";
import { resolveProviderName } from "../provider.ts";

/** Largest recording accepted (bytes): 2 MiB, about a minute of Opus speech with room. */
export const MAX_AUDIO_BYTES = 2 * 1024 * 1024;

/** Longest recording the composer makes (seconds). */
export const MAX_AUDIO_SECONDS = 60;

/** Deadline of one transcription call (ms) unless the model timeout is shorter. */
export const TRANSCRIBE_TIMEOUT_MS = 30_000;

/** Audio types accepted, with the file extension the endpoint is told. */
export const AUDIO_TYPES: Readonly<Record<string, string>> = {
  "audio/webm": "webm",
  "audio/ogg": "ogg",
  "audio/wav": "wav",
  "audio/mp4": "mp4",
  "audio/mpeg": "mp3",
};

/** The media type of a `Content-Type` header without parameters, lower-cased. */
export function mediaType(contentType: string | null): string {
  return (contentType ?? "").split(";")[0].trim().toLowerCase();
}

/** Why a transcription failed. */
export type TranscriptionErrorKind = "unavailable" | "timeout" | "unreachable" | "model";

/** A failed transcription; the message can be shown to the user. */
export class TranscriptionError extends Error {
  /** What went wrong. */
  readonly kind: TranscriptionErrorKind;

  constructor(kind: TranscriptionErrorKind, message: string) {
    super(message);
    this.name = "TranscriptionError";
    this.kind = kind;
  }
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** True when the configuration has a speech-to-text endpoint (the OpenAI-compatible one). */
export function transcriptionAvailable(config: Pick<Config, "model">): boolean {
  const m = config.model;
  return resolveProviderName(config) === "openai" && Boolean(m.apiKey || m.baseUrl);
}

/** Options of {@linkcode transcribe}. */
export interface TranscribeOptions {
  /** The recording. */
  audio: Uint8Array;
  /** One of {@linkcode AUDIO_TYPES}. */
  type: string;
  /** Cancels the call (the client went away). */
  signal?: AbortSignal;
  /** Custom fetch (tests). */
  fetch?: typeof fetch;
}

/**
 * Transcribes a recording with the configured endpoint and model; returns the text
 * (trimmed, possibly empty).
 */
export async function transcribe(
  config: Pick<Config, "model">,
  options: TranscribeOptions,
): Promise<string> {
  if (!transcriptionAvailable(config)) {
    throw new TranscriptionError(
      "unavailable",
      "Voice transcription is not configured on this server (it needs MODEL_PROVIDER=openai " +
        "with an API key or OPENAI_BASE_URL)",
    );
  }
  const m = config.model;
  const timeoutMs = Math.min(m.timeoutMs, TRANSCRIBE_TIMEOUT_MS);
  const client = new OpenAI({
    apiKey: m.apiKey ?? "not-needed",
    baseURL: m.baseUrl ?? undefined,
    maxRetries: 0,
    timeout: timeoutMs,
    fetch: options.fetch,
  });
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const ext = AUDIO_TYPES[options.type] ?? "webm";
  try {
    const file = await toFile(options.audio, `speech.${ext}`, { type: options.type });
    const result = await client.audio.transcriptions.create(
      { file, model: m.transcribeModel ?? "whisper-1" },
      { signal },
    );
    return typeof result?.text === "string" ? result.text.trim() : "";
  } catch (e) {
    if (deadline.aborted || e instanceof APIConnectionTimeoutError) {
      throw new TranscriptionError(
        "timeout",
        `The transcription service did not answer within ${formatSeconds(timeoutMs)}`,
      );
    }
    if (e instanceof APIUserAbortError || options.signal?.aborted) {
      throw new TranscriptionError("unreachable", "The transcription was cancelled");
    }
    if (e instanceof APIError && e.status !== undefined) {
      throw new TranscriptionError(
        "model",
        `The transcription service refused the recording (HTTP ${e.status})`,
      );
    }
    throw new TranscriptionError("unreachable", "The transcription service could not be reached");
  }
}
