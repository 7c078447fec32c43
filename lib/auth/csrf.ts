/**
 * CSRF protection for state-changing requests (POST, PUT, PATCH, DELETE): browsers say where
 * a request comes from in `Sec-Fetch-Site`; when present it must be `same-origin` or `none`
 * (typed by the user). Without it, `Origin` must be the request's own origin or one of
 * `ALLOWED_ORIGINS`. Requests with neither header are refused too: scripts (curl…) send
 * `Origin: <the server's origin>`.
 */

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** The origin a request reached (scheme, host, port), honouring `X-Forwarded-Proto`. */
export function requestOrigin(req: Request): string {
  const url = new URL(req.url);
  const proto = req.headers.get("x-forwarded-proto")?.split(",")[0].trim().toLowerCase();
  const host = req.headers.get("host") ?? url.host;
  const scheme = proto === "https" || proto === "http" ? proto : url.protocol.replace(":", "");
  return `${scheme}://${host}`.toLowerCase();
}

/** Why a request is refused, or null when it may go on. */
export function csrfProblem(req: Request, allowedOrigins: string[]): string | null {
  if (!UNSAFE.has(req.method.toUpperCase())) return null;
  const site = req.headers.get("sec-fetch-site")?.toLowerCase();
  if (site) {
    return site === "same-origin" || site === "none"
      ? null
      : `Cross-site request refused (Sec-Fetch-Site: ${site})`;
  }
  const origin = req.headers.get("origin");
  if (!origin) return "Request refused: it has neither Sec-Fetch-Site nor Origin";
  const o = origin.toLowerCase().replace(/\/$/, "");
  if (o === requestOrigin(req) || o === new URL(req.url).origin.toLowerCase()) return null;
  if (allowedOrigins.some((a) => a.toLowerCase().replace(/\/$/, "") === o)) return null;
  return "Cross-origin request refused";
}
