/**
 * The sign-in form: posts the credentials as JSON, shows the API's message on failure
 * (and a countdown when rate-limited or the server is busy), then goes to `next` when it
 * is a path on this site (`safeNext`, shared with the server's redirect), else to `/`.
 */
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError } from "../components/api.ts";
import { safeNext } from "../lib/auth/redirect.ts";

export { safeNext };

/** Props of the LoginForm island. */
export interface LoginFormProps {
  /** Where to go after signing in (a path on this site; default `/`). */
  next?: string;
}

/** The login form island. */
export default function LoginForm({ next }: LoginFormProps): JSX.Element {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const [, setTick] = useState(0);
  const userInput = useRef<HTMLInputElement>(null);
  const passwordInput = useRef<HTMLInputElement>(null);

  useEffect(() => userInput.current?.focus(), []);
  useEffect(() => {
    if (retryAt === null) return;
    const timer = setInterval(() => {
      if (Date.now() >= retryAt) {
        setRetryAt(null);
        setError(null);
      } else {
        setTick((n) => n + 1);
      }
    }, 1000);
    return () => clearInterval(timer);
  }, [retryAt]);

  const waitSeconds = retryAt === null ? 0 : Math.max(0, Math.ceil((retryAt - Date.now()) / 1000));

  async function submit(e: Event): Promise<void> {
    e.preventDefault();
    if (busy || waitSeconds > 0) return;
    if (!username.trim() || !password) {
      setError("Enter your username and password.");
      (username.trim() ? passwordInput : userInput).current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api("/api/auth/login", {
        method: "POST",
        body: { username: username.trim(), password },
      });
      location.assign(safeNext(next));
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.status === 429) {
        const seconds = err.retryAfter ?? 60;
        setRetryAt(Date.now() + seconds * 1000);
        setError("Too many sign-in attempts.");
      } else if (err instanceof ApiError && err.status === 503 && err.retryAfter !== null) {
        // The server is checking many sign-ins at once: wait as it asks, keep the password.
        setRetryAt(Date.now() + err.retryAfter * 1000);
        setError("The server is busy.");
      } else if (err instanceof ApiError && err.status === 401) {
        setError(err.message || "Wrong username or password.");
        setPassword("");
        passwordInput.current?.focus();
      } else {
        setError(err instanceof Error ? err.message : "Cannot sign in right now.");
      }
    }
  }

  return (
    <form class="login-form" onSubmit={submit} noValidate>
      <div class="field">
        <label for="username">Username</label>
        <input
          id="username"
          ref={userInput}
          name="username"
          type="text"
          autocomplete="username"
          autocapitalize="none"
          spellcheck={false}
          required
          value={username}
          onInput={(e) => setUsername(e.currentTarget.value)}
          aria-invalid={error ? "true" : undefined}
          aria-describedby={error ? "login-error" : undefined}
        />
      </div>
      <div class="field">
        <label for="password">Password</label>
        <input
          id="password"
          ref={passwordInput}
          name="password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
          aria-invalid={error ? "true" : undefined}
          aria-describedby={error ? "login-error" : undefined}
        />
      </div>
      <div class="login-error-slot">
        {error && (
          <p id="login-error" class="form-error" role="alert">
            {error}
            {waitSeconds > 0 && ` Try again in ${waitSeconds} s.`}
          </p>
        )}
      </div>
      <button
        type="submit"
        class="button button-primary button-block"
        disabled={busy || waitSeconds > 0}
      >
        {busy ? <span class="spinner" aria-hidden="true" /> : null}
        <span>{busy ? "Signing in…" : "Sign in"}</span>
      </button>
    </form>
  );
}
