/**
 * Security headers on every response, set by Hono's `secureHeaders` middleware: a strict
 * Content-Security-Policy (no inline scripts or styles), `nosniff`, a same-origin referrer
 * policy, no framing, and Hono's other defaults (HSTS over HTTPS, CORP, …). A header a
 * handler set itself is kept.
 */
import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";

const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:", "blob:"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
};

/** The Content-Security-Policy of every response. */
export const CONTENT_SECURITY_POLICY = Object.entries(CSP_DIRECTIVES)
  .map(([k, v]) => `${k.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())} ${v.join(" ")}`)
  .join("; ");

/** The middleware that sets the security headers (existing values are kept). */
export function securityHeaders(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: CSP_DIRECTIVES,
    referrerPolicy: "same-origin",
    xFrameOptions: "DENY",
    crossOriginOpenerPolicy: "same-origin",
    overwrite: false,
  });
}
