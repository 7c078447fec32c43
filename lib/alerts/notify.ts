/**
 * In-app notifications of other parts of the app: "your scheduled report is ready", and
 * "your export is ready" for a download that took long.
 */
import type { Store } from "../kv.ts";
import { type Notification, sortableId } from "./types.ts";

/** What a delivered scheduled report tells its owner. */
export interface ReportReady {
  owner: string;
  scheduleId: string;
  title: string;
  periodLabel: string | null;
  /** The saved report (inbox delivery), or null when it was emailed. */
  reportId: string | null;
  /** The inbox item (inbox delivery), or null. */
  inboxItemId: string | null;
  /** Recipients when emailed; empty for the inbox. */
  emailedTo: string[];
  at: Date;
}

/** The notification of a delivered scheduled report. */
export function reportReadyNotification(r: ReportReady): Notification {
  const period = r.periodLabel ? ` (${r.periodLabel})` : "";
  return {
    id: sortableId("n", r.at),
    owner: r.owner,
    kind: "report",
    title: `Your scheduled report is ready: ${r.title}`,
    body: r.emailedTo.length
      ? `${r.title}${period} was emailed to ${r.emailedTo.join(", ")}.`
      : `${r.title}${period} is in your inbox.`,
    link: r.inboxItemId ? `/api/inbox/${r.inboxItemId}` : null,
    created_at: r.at.toISOString(),
    read_at: null,
    schedule_id: r.scheduleId,
    report_id: r.reportId,
  };
}

/**
 * Adds the notification of a delivered scheduled report; a failure is logged, never
 * thrown (the report was delivered).
 */
export async function notifyReportReady(
  store: Store,
  r: ReportReady,
  log?: (message: string, error?: unknown) => void,
): Promise<void> {
  try {
    await store.addNotification(reportReadyNotification(r));
  } catch (e) {
    log?.(`Cannot notify ${r.owner} of scheduled report ${r.scheduleId}`, e);
  }
}

/** A finished download that took long. */
export interface ExportReady {
  owner: string;
  /** The file the user downloaded. */
  fileName: string;
  /** The download's own path (to download it again). */
  link: string;
  elapsedMs: number;
  at: Date;
}

/** The notification of a long download that has finished. */
export function exportReadyNotification(e: ExportReady): Notification {
  const seconds = Math.round(e.elapsedMs / 1000);
  return {
    id: sortableId("n", e.at),
    owner: e.owner,
    kind: "export",
    title: `Your export is ready: ${e.fileName}`,
    body: `${e.fileName} finished downloading after ${seconds} s.`,
    link: e.link,
    created_at: e.at.toISOString(),
    read_at: null,
  };
}

/**
 * What a download route calls when its file is complete: a notification when it took at
 * least `thresholdMs`; a failure is logged, never thrown (the file was delivered).
 */
export function notifyLongExport(
  app: { store: Store; log: (message: string, error?: unknown) => void },
  e: Omit<ExportReady, "elapsedMs" | "at"> & { thresholdMs: number },
): (elapsedMs: number) => void {
  return (elapsedMs) => {
    if (elapsedMs < e.thresholdMs) return;
    const { thresholdMs: _t, ...rest } = e;
    app.store.addNotification(exportReadyNotification({ ...rest, elapsedMs, at: new Date() }))
      .catch((err) => app.log(`Cannot notify ${e.owner} of a finished export`, err));
  };
}
