/**
 * Every request but static files passes here: CSRF check on state-changing requests, then
 * the session. Without a session, pages other than /login redirect to /login and API routes
 * other than login/logout answer 401.
 */
import { csrfProblem } from "../lib/auth/csrf.ts";
import {
  cookieSecure,
  readCookie,
  resolveSession,
  SESSION_COOKIE,
  sessionCookie,
} from "../lib/auth/session.ts";
import { roleOf } from "../lib/auth/users.ts";
import { errorResponse, ForbiddenError, UnauthorizedError } from "../lib/web/errors.ts";
import { isApiPath } from "../lib/web/server.ts";
import type { AppState } from "../lib/web/state.ts";
import type { MiddlewareContext } from "../lib/web/types.ts";

/** Paths open without a session. */
const PUBLIC = new Set(["/login", "/api/auth/login", "/api/auth/logout", "/api/health"]);

function withHeader(res: Response, name: string, value: string): Response {
  try {
    res.headers.append(name, value);
    return res;
  } catch {
    const headers = new Headers(res.headers);
    headers.append(name, value);
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  }
}

/** Auth and CSRF. */
export async function handler(req: Request, ctx: MiddlewareContext<AppState>): Promise<Response> {
  const app = ctx.state.app;
  const problem = csrfProblem(req, app.config.allowedOrigins);
  if (problem) throw new ForbiddenError(problem, "csrf");

  const token = readCookie(req, SESSION_COOKIE);
  const session = token ? await resolveSession(app.store, token, app.clock()) : null;
  if (session) {
    ctx.state.user = {
      id: session.user.id,
      username: session.user.username,
      role: roleOf(session.user),
    };
    ctx.state.sessionHash = session.tokenHash;
  }
  const res = await route(req, ctx, session !== null);
  // A cookie that no longer names a session is cleared.
  if (token && !session && !res.headers.has("set-cookie")) {
    const secure = cookieSecure(req, app.config.auth.cookieSecure);
    return withHeader(res, "Set-Cookie", sessionCookie("", 0, secure));
  }
  return res;
}

async function route(
  req: Request,
  ctx: MiddlewareContext<AppState>,
  signedIn: boolean,
): Promise<Response> {
  const path = ctx.url.pathname;
  if (signedIn || PUBLIC.has(path)) return await ctx.next();
  if (!isApiPath(path) && (req.method === "GET" || req.method === "HEAD")) {
    const back = path + ctx.url.search;
    const location = back === "/" ? "/login" : `/login?next=${encodeURIComponent(back)}`;
    return new Response(null, {
      status: 303,
      headers: { Location: location, "Cache-Control": "no-store" },
    });
  }
  return errorResponse(new UnauthorizedError(), { json: isApiPath(path) });
}
