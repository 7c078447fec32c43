/**
 * What a firing sends: the in-app notification, the email (short text and HTML) and the
 * webhook (a JSON POST signed with HMAC-SHA256 over the raw body, `X-Signature:
 * sha256=<hex>`, with a deadline, no redirects followed, and the host checked again at
 * sending time unless private addresses are allowed).
 */
import { escapeHtml } from "../web/errors.ts";
import { formatLocal } from "../time/zone.ts";
import { isPrivateHost } from "./input.ts";
import ipaddr from "ipaddr.js";
import type { AlertFiring, AlertRule, Notification } from "./types.ts";
import { sortableId } from "./types.ts";

/** The in-app notification of a firing. */
export function firingNotification(firing: AlertFiring, rule: AlertRule): Notification {
  return {
    id: sortableId("n", new Date(firing.fired_at)),
    owner: firing.owner,
    kind: "alert",
    title: `Alert: ${rule.name}`,
    body: `${firing.value_text} against a threshold of ${firing.threshold_text} ` +
      `(${firing.window}).`,
    link: "/",
    created_at: firing.fired_at,
    read_at: null,
    alert_id: rule.id,
    firing_id: firing.id,
  };
}

/** The email of a firing. */
export function firingEmail(
  firing: AlertFiring,
  rule: AlertRule,
  opts: { tz: string; appUrl: string | null },
): { subject: string; text: string; html: string } {
  const when = formatLocal(new Date(firing.fired_at), opts.tz);
  const lines: [string, string][] = [
    ["Value", firing.value_text],
    ["Threshold", `${rule.comparison} ${firing.threshold_text}`],
    ["Window", firing.period_label ?? firing.window],
    ["Fired at", `${when} (${opts.tz})`],
  ];
  const link = opts.appUrl ? `${opts.appUrl}/` : null;
  const text = [
    firing.description,
    "",
    ...lines.map(([k, v]) => `${k}: ${v}`),
    "",
    "You will not be alerted again until the value recovers.",
    ...(link ? ["", `Open the app: ${link}`] : []),
  ].join("\n");
  const html = `<p><strong>${escapeHtml(firing.description)}</strong></p>\n<table>` +
    lines.map(([k, v]) =>
      `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`
    )
      .join("") +
    `</table>\n<p>You will not be alerted again until the value recovers.</p>` +
    (link ? `\n<p><a href="${escapeHtml(link)}">Open the app</a></p>` : "");
  return { subject: `Alert: ${rule.name}`, text, html };
}

/** The JSON body of a firing's webhook. */
export function webhookPayload(firing: AlertFiring, rule: AlertRule, appUrl: string | null) {
  return {
    type: "alert.fired",
    rule: {
      id: rule.id,
      name: rule.name,
      metric: rule.metric,
      comparison: rule.comparison,
      threshold: rule.threshold,
      window: rule.window,
      filters: rule.filters,
    },
    firing_id: firing.id,
    description: firing.description,
    value: firing.value,
    threshold: firing.threshold,
    window: firing.window,
    period_label: firing.period_label,
    value_text: firing.value_text,
    threshold_text: firing.threshold_text,
    fired_at: firing.fired_at,
    link: appUrl ? `${appUrl}/` : null,
  };
}

/** `sha256=<hex>` of HMAC-SHA256(`secret`, `body`). */
export async function signBody(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body));
  return "sha256=" +
    Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Options of {@linkcode postWebhook}. */
export interface PostWebhookOptions {
  url: string;
  secret: string;
  body: string;
  /** Deadline of the whole request. */
  timeoutMs: number;
  allowPrivate: boolean;
  /** A delivery id for the receiver's deduplication (`X-Alert-Delivery`). */
  deliveryId: string;
  fetch?: typeof fetch;
}

async function resolvesPrivate(host: string, signal: AbortSignal): Promise<boolean> {
  if (isPrivateHost(host)) return true;
  const bare = host.replace(/^\[|\]$/g, "");
  if (ipaddr.isValid(bare)) return false;
  const found: string[] = [];
  for (const type of ["A", "AAAA"] as const) {
    try {
      found.push(...await Deno.resolveDns(bare, type, { signal }));
    } catch { /* no such record */ }
  }
  return found.some((a) => isPrivateHost(a));
}

/** POSTs a signed webhook; rejects with a readable reason unless the answer is 2xx. */
export async function postWebhook(opts: PostWebhookOptions): Promise<{ status: number }> {
  const signal = AbortSignal.timeout(opts.timeoutMs);
  const url = new URL(opts.url);
  if (!opts.allowPrivate && await resolvesPrivate(url.hostname, signal)) {
    throw new Error(`The webhook host ${url.hostname} resolves to a private address`);
  }
  const doFetch = opts.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(url, {
      method: "POST",
      redirect: "manual",
      signal,
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "contact-center-assistant-alerts/1",
        "X-Signature": await signBody(opts.secret, opts.body),
        "X-Alert-Delivery": opts.deliveryId,
      },
      body: opts.body,
    });
  } catch (e) {
    if (signal.aborted) throw new Error(`The webhook did not answer within ${opts.timeoutMs} ms`);
    throw new Error(`Cannot reach the webhook: ${e instanceof Error ? e.message : String(e)}`);
  }
  await res.body?.cancel().catch(() => {});
  if (res.status < 200 || res.status > 299) {
    throw new Error(`The webhook answered ${res.status} ${res.statusText}`.trim());
  }
  return { status: res.status };
}
