/** In-app notifications of other parts of the app: "your scheduled report is ready". */
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
