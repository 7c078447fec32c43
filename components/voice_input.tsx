/**
 * Voice input of the composer: a microphone button that puts spoken words into the question
 * box for review; nothing is sent until the user presses Send.
 *
 * Two ways, picked once on mount:
 * - **Server transcription** (preferred when `GET /api/transcribe` says it is available and
 *   the browser has `MediaRecorder`): the recording (at most {@linkcode MAX_SECONDS} s and
 *   {@linkcode MAX_BYTES} bytes) goes to `POST /api/transcribe`, i.e. to the same
 *   OpenAI-compatible provider that answers the questions, not to a third party.
 * - **The browser's speech recognition** (`SpeechRecognition`/`webkitSpeechRecognition`)
 *   otherwise.
 *
 * Without either the button is not shown. While recording, a timer shows and Escape
 * cancels; errors (microphone denied, too long, server errors) show below the composer.
 * Transcribed text is appended to what was already typed, never replacing it.
 */
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";

/** Longest recording (seconds); the server's limit comes from `GET /api/transcribe`. */
export const MAX_SECONDS = 60;
/** Largest recording (bytes). */
export const MAX_BYTES = 2 * 1024 * 1024;

/** What the microphone is doing. */
export type VoiceMode = "unavailable" | "idle" | "recording" | "listening" | "transcribing";

/** How voice input works in this browser. */
type Engine = "server" | "browser" | null;

/** The browser's speech recognition, as far as it is used here. */
interface Recognition {
  lang: string;
  interimResults: boolean;
  continuous: boolean;
  maxAlternatives: number;
  onresult: ((e: { results: ArrayLike<ArrayLike<{ transcript: string }>> }) => void) | null;
  onerror: ((e: { error: string }) => void) | null;
  onend: (() => void) | null;
  start(): void;
  stop(): void;
  abort(): void;
}

type RecognitionCtor = new () => Recognition;

function recognitionCtor(): RecognitionCtor | null {
  const w = globalThis as unknown as {
    SpeechRecognition?: RecognitionCtor;
    webkitSpeechRecognition?: RecognitionCtor;
  };
  return w.SpeechRecognition ?? w.webkitSpeechRecognition ?? null;
}

function canRecord(): boolean {
  return typeof MediaRecorder !== "undefined" &&
    typeof navigator !== "undefined" &&
    typeof navigator.mediaDevices?.getUserMedia === "function";
}

const RECORDING_TYPES = [
  "audio/webm;codecs=opus",
  "audio/webm",
  "audio/ogg;codecs=opus",
  "audio/mp4",
];

function recordingType(): string | undefined {
  return RECORDING_TYPES.find((t) => MediaRecorder.isTypeSupported?.(t));
}

/** A user-facing message for a failed `getUserMedia`. */
export function microphoneProblem(e: unknown): string {
  const name = e instanceof DOMException ? e.name : "";
  if (name === "NotAllowedError" || name === "SecurityError") {
    return "Microphone access was denied: allow it in the browser's site settings to dictate";
  }
  if (name === "NotFoundError" || name === "OverconstrainedError") {
    return "No microphone was found";
  }
  if (name === "NotReadableError") return "The microphone is in use by another application";
  return "The microphone could not be started";
}

/** A user-facing message for a speech recognition error code. */
export function recognitionProblem(code: string): string | null {
  switch (code) {
    case "aborted":
      return null;
    case "not-allowed":
    case "service-not-allowed":
      return "Microphone access was denied: allow it in the browser's site settings to dictate";
    case "no-speech":
      return "No speech was heard; try again";
    case "audio-capture":
      return "No microphone was found";
    case "network":
      return "Speech recognition needs a network connection";
    default:
      return "Speech recognition failed; type your question instead";
  }
}

/** `m:ss`. */
export function formatElapsed(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** Appends dictated text to what is already in the box (nothing typed is lost). */
export function appendDictation(current: string, text: string): string {
  const t = text.trim();
  if (!t) return current;
  if (current.trim() === "") return t;
  return /\s$/.test(current) ? current + t : `${current} ${t}`;
}

/** Options of {@linkcode useVoiceInput}. */
export interface VoiceInputOptions {
  /** The question box's text now. */
  value: () => string;
  /** Sets the question box's text. */
  onInput: (value: string) => void;
  /** Moves focus to the question box (after text arrived). */
  focusInput: () => void;
}

/** The state and actions of voice input. */
export interface VoiceInput {
  mode: VoiceMode;
  /** Seconds recorded so far. */
  elapsed: number;
  /** The last problem, shown inline; null: none. */
  error: string | null;
  /** A note (e.g. stopped at the limit); null: none. */
  note: string | null;
  /** Starts, or stops and transcribes. */
  toggle(): void;
  /** Stops and throws the recording away. */
  cancel(): void;
}

/** Voice input for the composer (see the module doc). */
export function useVoiceInput(options: VoiceInputOptions): VoiceInput {
  const [engine, setEngine] = useState<Engine>(null);
  const [mode, setMode] = useState<VoiceMode>("unavailable");
  const [elapsed, setElapsed] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const opts = useRef(options);
  opts.current = options;
  const session = useRef<
    {
      recorder?: MediaRecorder;
      stream?: MediaStream;
      recognition?: Recognition;
      timer?: ReturnType<typeof setInterval>;
      discard?: boolean;
    } | null
  >(null);

  useEffect(() => {
    let gone = false;
    const browser = recognitionCtor() !== null;
    const pick = (server: boolean) => {
      if (gone) return;
      const e: Engine = server && canRecord() ? "server" : browser ? "browser" : null;
      setEngine(e);
      setMode(e ? "idle" : "unavailable");
    };
    fetch("/api/transcribe", { headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : { available: false }))
      .then((b) => pick(b?.available === true))
      .catch(() => pick(false));
    return () => {
      gone = true;
      release(true);
    };
  }, []);

  function release(discard: boolean): void {
    const s = session.current;
    if (!s) return;
    s.discard = discard || s.discard;
    if (s.timer) clearInterval(s.timer);
    if (s.recognition) {
      if (discard) s.recognition.abort();
      else s.recognition.stop();
    }
    if (s.recorder && s.recorder.state !== "inactive") s.recorder.stop();
    s.stream?.getTracks().forEach((t) => t.stop());
  }

  function land(text: string): void {
    const t = text.trim();
    if (!t) {
      setError("No words were recognised; try again closer to the microphone");
      return;
    }
    opts.current.onInput(appendDictation(opts.current.value(), t));
    opts.current.focusInput();
  }

  async function send(blob: Blob, type: string): Promise<void> {
    setMode("transcribing");
    try {
      const res = await fetch("/api/transcribe", {
        method: "POST",
        headers: { "Content-Type": type, Accept: "application/json" },
        body: blob,
      });
      const body = await res.json().catch(() => null);
      if (!res.ok) {
        setError(
          body?.error?.message ?? `The recording could not be transcribed (HTTP ${res.status})`,
        );
        return;
      }
      land(typeof body?.text === "string" ? body.text : "");
    } catch {
      setError("The recording could not be sent: check the connection and try again");
    } finally {
      setMode("idle");
    }
  }

  async function startRecording(): Promise<void> {
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (e) {
      setError(microphoneProblem(e));
      return;
    }
    const mimeType = recordingType();
    let recorder: MediaRecorder;
    try {
      recorder = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
    } catch {
      stream.getTracks().forEach((t) => t.stop());
      setError("This browser cannot record audio");
      return;
    }
    const chunks: Blob[] = [];
    let size = 0;
    const s: NonNullable<typeof session.current> = { recorder, stream };
    session.current = s;
    recorder.ondataavailable = (e) => {
      if (!e.data.size) return;
      chunks.push(e.data);
      size += e.data.size;
      if (size > MAX_BYTES && !s.discard) {
        setError(
          `The recording is too large (over ${MAX_BYTES / 1024 / 1024} MB); try a shorter one`,
        );
        release(true);
      }
    };
    recorder.onstop = () => {
      session.current = null;
      if (s.discard) {
        setMode("idle");
        return;
      }
      const type = (recorder.mimeType || mimeType || "audio/webm").split(";")[0];
      void send(new Blob(chunks, { type }), type);
    };
    const started = performance.now();
    s.timer = setInterval(() => {
      const secs = (performance.now() - started) / 1000;
      setElapsed(secs);
      if (secs >= MAX_SECONDS) {
        setNote(`Recording stopped at the ${MAX_SECONDS} s limit`);
        release(false);
      }
    }, 250);
    recorder.start(250);
    setElapsed(0);
    setMode("recording");
  }

  function startListening(): void {
    const Ctor = recognitionCtor();
    if (!Ctor) return;
    const r = new Ctor();
    r.lang = navigator.language || "en-US";
    r.interimResults = false;
    r.continuous = false;
    r.maxAlternatives = 1;
    const s: NonNullable<typeof session.current> = { recognition: r };
    session.current = s;
    let heard = "";
    r.onresult = (e) => {
      heard = Array.from(e.results).map((x) => x[0]?.transcript ?? "").join(" ");
    };
    r.onerror = (e) => {
      const problem = recognitionProblem(e.error);
      if (problem) setError(problem);
      s.discard = true;
    };
    r.onend = () => {
      session.current = null;
      if (s.timer) clearInterval(s.timer);
      setMode("idle");
      if (!s.discard) land(heard);
    };
    const started = performance.now();
    s.timer = setInterval(() => setElapsed((performance.now() - started) / 1000), 250);
    setElapsed(0);
    setMode("listening");
    try {
      r.start();
    } catch {
      session.current = null;
      clearInterval(s.timer);
      setMode("idle");
      setError("Speech recognition could not start");
    }
  }

  function toggle(): void {
    if (mode === "recording" || mode === "listening") {
      release(false);
      return;
    }
    if (mode !== "idle") return;
    setError(null);
    setNote(null);
    if (engine === "server") void startRecording();
    else if (engine === "browser") startListening();
  }

  function cancel(): void {
    if (mode !== "recording" && mode !== "listening") return;
    release(true);
    setNote("Recording cancelled");
  }

  // Escape cancels a recording (before the chat's Escape, which stops a running answer).
  useEffect(() => {
    if (mode !== "recording" && mode !== "listening") return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      e.preventDefault();
      e.stopPropagation();
      cancel();
    };
    addEventListener("keydown", onKey, true);
    return () => removeEventListener("keydown", onKey, true);
  }, [mode]);

  return { mode, elapsed, error, note, toggle, cancel };
}

/** A microphone. */
function IconMic(): JSX.Element {
  return (
    <svg
      class="icon"
      viewBox="0 0 24 24"
      width="20"
      height="20"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <rect x="9" y="2" width="6" height="12" rx="3" />
      <path d="M5 10a7 7 0 0 0 14 0M12 17v4M8 21h8" />
    </svg>
  );
}

/** The microphone button (nothing when voice input is unavailable). */
export function VoiceButton(props: { voice: VoiceInput }): JSX.Element | null {
  const { mode, toggle } = props.voice;
  if (mode === "unavailable") return null;
  const active = mode === "recording" || mode === "listening";
  const label = active
    ? "Stop recording and transcribe"
    : mode === "transcribing"
    ? "Transcribing…"
    : "Dictate a question";
  return (
    <button
      type="button"
      class={`composer-mic${active ? " is-recording" : ""}`}
      aria-label={label}
      aria-pressed={active}
      title={active ? "Stop (Esc cancels)" : "Dictate"}
      disabled={mode === "transcribing"}
      onClick={toggle}
    >
      {active ? <span class="composer-mic-stop" aria-hidden="true" /> : <IconMic />}
    </button>
  );
}

/** The recording state, timer and inline messages of voice input. */
export function VoiceStatus(props: { voice: VoiceInput }): JSX.Element | null {
  const { mode, elapsed, error, note, cancel } = props.voice;
  if (mode === "recording" || mode === "listening") {
    return (
      <div class="voice-status is-recording" role="status">
        <span class="voice-dot" aria-hidden="true" />
        <span>
          {mode === "recording" ? "Recording" : "Listening"}{" "}
          <span class="voice-timer">{formatElapsed(elapsed)}</span>
          {mode === "recording" ? ` / ${formatElapsed(MAX_SECONDS)}` : ""}
        </span>
        <button type="button" class="voice-cancel" onClick={cancel}>Cancel (Esc)</button>
      </div>
    );
  }
  if (mode === "transcribing") {
    return <div class="voice-status" role="status">Transcribing…</div>;
  }
  if (error) return <div class="voice-status is-error" role="alert">{error}</div>;
  if (note) return <div class="voice-status" role="status">{note}</div>;
  return null;
}
