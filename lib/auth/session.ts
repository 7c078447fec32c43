/**
 * Sessions: a random 256-bit token in an `HttpOnly; SameSite=Strict; Path=/` cookie
 * (`Secure` over HTTPS); KV keeps only its SHA-256, with an absolute and an idle expiry that
 * are checked on every read.
 */
import { createHash } from "node:crypto";
import type { Config } from "../config.ts";
import type { SessionRecord, Store, UserRecord } from "../kv.ts";

/** Name of the session cookie. */
export const SESSION_COOKIE = "cca_session";
/** Activity is written back at most this often (ms), to spare KV writes. */
export const TOUCH_EVERY_MS = 60_000;

function base64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A new session token: 32 random bytes, base64url. */
export function newToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/**
 * SHA-256 of a token, hex: the session's key in KV. Synchronous: it runs on every request,
 * and a thread-pool round trip (as `crypto.subtle.digest` makes) costs more than the hash.
 */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Session lifetimes from the configuration. */
export type SessionPolicy = Pick<Config["auth"], "sessionIdleMinutes" | "sessionMaxHours">;

/** Creates a session for a user; returns the token for the cookie. */
export async function createSession(
  store: Store,
  userId: string,
  now: Date,
  policy: SessionPolicy,
): Promise<{ token: string; session: SessionRecord }> {
  const token = newToken();
  const t = now.getTime();
  const session: SessionRecord = {
    user_id: userId,
    created_at: t,
    last_seen_at: t,
    expires_at: t + policy.sessionMaxHours * 3_600_000,
    idle_ms: policy.sessionIdleMinutes * 60_000,
  };
  await store.createSession(hashToken(token), session);
  return { token, session };
}

/**
 * The user of a session token, or null (unknown, expired, idle too long, user removed or
 * disabled). The user is read from KV on every request, so a role change counts at once.
 */
export async function resolveSession(
  store: Store,
  token: string,
  now: Date,
): Promise<{ user: UserRecord; tokenHash: string } | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const tokenHash = hashToken(token);
  const session = await store.getSession(tokenHash, now);
  if (!session) return null;
  const user = await store.getUser(session.user_id);
  if (!user || user.disabled) {
    await store.deleteSession(tokenHash);
    return null;
  }
  if (now.getTime() - session.last_seen_at >= TOUCH_EVERY_MS) {
    await store.touchSession(tokenHash, now);
  }
  return { user, tokenHash };
}

/** Reads one cookie from a request. */
export function readCookie(req: Request, name: string): string | null {
  const header = req.headers.get("cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    if (part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return null;
}

/** True when the request came over HTTPS (directly or through a proxy that says so). */
export function isHttps(req: Request): boolean {
  if (new URL(req.url).protocol === "https:") return true;
  const proto = req.headers.get("x-forwarded-proto");
  return proto?.split(",")[0].trim().toLowerCase() === "https";
}

/** Whether the cookie gets `Secure`, per `COOKIE_SECURE`. */
export function cookieSecure(req: Request, mode: Config["auth"]["cookieSecure"]): boolean {
  return mode === "always" || (mode === "auto" && isHttps(req));
}

/** The `Set-Cookie` value for a session token (`maxAgeSeconds` 0 clears it). */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  const parts = [
    `${SESSION_COOKIE}=${token}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Strict",
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
  ];
  if (secure) parts.push("Secure");
  return parts.join("; ");
}
