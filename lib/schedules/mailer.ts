/**
 * Email of scheduled reports over SMTP with `nodemailer`: a transport from `SMTP_URL`
 * with connection, greeting and socket timeouts and an overall deadline per message, the
 * short text and HTML body of a report email, and the recipient domain allow-list.
 */
import nodemailer from "nodemailer";
import { Buffer } from "node:buffer";
import { escapeHtml } from "../web/errors.ts";

/** A file attached to an email. */
export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

/** One email to send. */
export interface OutgoingMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  attachments: MailAttachment[];
}

/** Sends email; `smtpMailer` in the app, a fake in some tests. */
export interface Mailer {
  /** Sends one message; rejects with the server's reason (sentence case) when it fails. */
  send(mail: OutgoingMail, opts?: { signal?: AbortSignal }): Promise<{ messageId: string }>;
  close(): void;
}

/** Options of {@linkcode smtpMailer}. */
export interface SmtpMailerOptions {
  /** `smtp://user:pass@host:port` or `smtps://…`. */
  url: string;
  /** The sender, e.g. `Reports <reports@example.com>`. */
  from: string;
  /** Deadline of one message: connecting, greeting and sending (default 30 s). */
  timeoutMs?: number;
}

/** A mailer over SMTP (nodemailer). Each message must be done within `timeoutMs`. */
export function smtpMailer(opts: SmtpMailerOptions): Mailer {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const u = new URL(opts.url);
  const secure = u.protocol === "smtps:";
  const transport = nodemailer.createTransport({
    host: u.hostname.replace(/^\[|\]$/g, ""),
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    auth: u.username
      ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) }
      : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return {
    async send(mail, sendOpts = {}) {
      const deadline = AbortSignal.timeout(timeoutMs);
      const signal = sendOpts.signal ? AbortSignal.any([sendOpts.signal, deadline]) : deadline;
      signal.throwIfAborted();
      let onAbort = () => {};
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () =>
          reject(
            new Error(
              deadline.aborted
                ? `Cannot send the email: the SMTP server did not finish within ${timeoutMs} ms`
                : "Cannot send the email: the delivery was cancelled",
            ),
          );
        signal.addEventListener("abort", onAbort, { once: true });
      });
      try {
        const info = await Promise.race([
          transport.sendMail({
            from: opts.from,
            to: mail.to,
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
            attachments: mail.attachments.map((a) => ({
              filename: a.filename,
              contentType: a.contentType,
              content: Buffer.from(a.content),
            })),
          }),
          aborted,
        ]);
        return { messageId: String(info.messageId ?? "") };
      } catch (e) {
        throw new Error(smtpReason(e));
      } finally {
        signal.removeEventListener("abort", onAbort);
      }
    },
    close() {
      transport.close();
    },
  };
}

/** An SMTP failure as one sentence: the server's reply when there is one. */
function smtpReason(e: unknown): string {
  if (!(e instanceof Error)) return `Cannot send the email: ${String(e)}`;
  if (e.message.startsWith("Cannot send the email")) return e.message;
  const x = e as Error & { response?: string; responseCode?: number; code?: string };
  const detail = x.response ?? e.message;
  return `Cannot send the email: ${detail.trim()}${x.code ? ` (${x.code})` : ""}`;
}

/** The domain of an email address, lower-cased, or null when it is not an address. */
export function emailDomain(address: string): string | null {
  const m = /^[^\s@<>(),;:"\[\]]+@([a-z0-9-]+(?:\.[a-z0-9-]+)+)$/i.exec(address.trim());
  return m ? m[1].toLowerCase() : null;
}

/**
 * Why `address` may not receive reports, or null when it may: it must be an address
 * whose domain (or a parent domain) is in `allowedDomains`.
 */
export function recipientProblem(
  address: string,
  allowedDomains: readonly string[],
): string | null {
  const domain = emailDomain(address);
  if (!domain) return `"${address}" is not an email address`;
  if (allowedDomains.length === 0) {
    return `Cannot send reports to "${address}": no recipient domains are allowed ` +
      `(the administrator sets MAIL_ALLOWED_DOMAINS)`;
  }
  const ok = allowedDomains.some((d) => domain === d || domain.endsWith(`.${d}`));
  return ok ? null : `Cannot send reports to "${address}": its domain is not allowed ` +
    `(allowed: ${allowedDomains.join(", ")})`;
}

/** What a report email says. */
export interface ReportEmailContent {
  /** The report's title. */
  title: string;
  /** The period in words ("Last week (16–22 Nov 2026)"), or "All data". */
  period: string;
  /** Headline figures in words, as the Excel summary words them. */
  headline: { label: string; text: string }[];
  /** Data rows in the attached report. */
  rows: number;
  /** When the schedule runs, in words. */
  recurrence: string;
  /** The app's URL, or null when `APP_URL` is not set. */
  link: string | null;
  /** The attached files' names. */
  files: string[];
}

/** The subject, text and HTML of a report email. */
export function reportEmail(
  c: ReportEmailContent,
): { subject: string; text: string; html: string } {
  const figures = c.headline.slice(0, 8);
  const subject = `${c.title} — ${c.period}`;
  const text = [
    `${c.title}`,
    `${c.period}`,
    "",
    ...figures.map((f) => `${f.label}: ${f.text}`),
    `Rows: ${c.rows.toLocaleString("en-US")}`,
    "",
    `Attached: ${c.files.join(", ")}`,
    c.link ? `Open the assistant: ${c.link}` : "",
    "",
    `You receive this report ${c.recurrence}.`,
  ].filter((l, i, all) => l !== "" || all[i - 1] !== "").join("\n");
  const row = (label: string, value: string) =>
    `<tr><td style="padding:2px 12px 2px 0;color:#555">${escapeHtml(label)}</td>` +
    `<td style="padding:2px 0;font-weight:600">${escapeHtml(value)}</td></tr>`;
  const html = `<!DOCTYPE html>
<html lang="en"><body style="font-family:system-ui,sans-serif;font-size:14px;color:#222">
<h2 style="margin:0 0 4px">${escapeHtml(c.title)}</h2>
<p style="margin:0 0 12px;color:#555">${escapeHtml(c.period)}</p>
<table>${figures.map((f) => row(f.label, f.text)).join("")}${
    row("Rows", c.rows.toLocaleString("en-US"))
  }</table>
<p>Attached: ${c.files.map(escapeHtml).join(", ")}</p>
${
    c.link
      ? `<p><a href="${escapeHtml(c.link)}">Open the contact-center assistant</a></p>`
      : ""
  }<p style="color:#777;font-size:12px">You receive this report ${escapeHtml(c.recurrence)}.</p>
</body></html>
`;
  return { subject, text, html };
}
