/**
 * A saved report: its title, row count, and its Excel and PDF download links.
 */
import type { JSX } from "preact";
import type { ReportRef } from "../lib/agent/events.ts";
import { formatCount } from "./format.ts";
import { IconDownload, IconSheet } from "./icons.tsx";

/** The download URL when it points into this app's report API, else null. */
export function reportHref(report: ReportRef): string | null {
  return /^\/api\/reports\/[A-Za-z0-9_-]+$/.test(report.download) ? report.download : null;
}

/** Renders a report card with "Download Excel" and "Download PDF" links. */
export function ReportCard({ report }: { report: ReportRef }): JSX.Element {
  const href = reportHref(report);
  const rows = `${formatCount(report.rows)} ${report.rows === 1 ? "row" : "rows"}`;
  return (
    <div class="report-card">
      <span class="report-icon" aria-hidden="true">
        <IconSheet />
      </span>
      <div class="report-text">
        <div class="report-title">{report.title}</div>
        <div class="report-meta">
          Excel report · {rows}
          {report.file_name ? ` · ${report.file_name}` : ""}
        </div>
      </div>
      {href
        ? (
          <a
            class="button button-secondary report-download"
            href={href}
            download={report.file_name ?? ""}
            aria-label={`Download Excel: ${report.title} (${rows})`}
          >
            <IconDownload />
            <span>Download Excel</span>
          </a>
        )
        : <span class="report-meta">Not available</span>}
      {href && (
        <a
          class="button button-ghost report-download"
          href={`${href}/pdf`}
          download={report.file_name ? report.file_name.replace(/\.xlsx$/i, "") + ".pdf" : ""}
          aria-label={`Download PDF: ${report.title} (${rows})`}
        >
          <IconDownload />
          <span>Download PDF</span>
        </a>
      )}
    </div>
  );
}
