/**
 * Where to go after signing in (`/login?next=…`), used by the server's redirect and by the
 * LoginForm island alike: only a path on this site survives. Browser-safe (no `Deno.*`).
 */

const SENTINEL = "http://next.invalid";

/**
 * Returns `next` as a same-origin path (with its query and fragment, non-ASCII
 * percent-encoded), or `/` when it is anything else: a scheme or host, a backslash, a
 * control character (browsers drop tabs and newlines, so `/\t/evil.example` would become
 * `//evil.example`), or a path that normalises to `//…`.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next || next.length > 2048 || next[0] !== "/") return "/";
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return "/";
  let url: URL;
  try {
    url = new URL(next, SENTINEL);
  } catch {
    return "/";
  }
  if (url.origin !== SENTINEL) return "/";
  const path = url.pathname + url.search + url.hash;
  return /^\/(?![/\\])/.test(path) ? path : "/";
}
