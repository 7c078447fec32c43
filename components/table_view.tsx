/**
 * A result table in the chat: title, a header that stays put, a first column that stays
 * put, a visible cue when more columns are off to the side, click-to-sort on every
 * column, numbers right-aligned under right-aligned headers, durations as m:ss (h:mm:ss
 * from an hour) with the exact seconds on hover, periods not over yet marked "so far".
 *
 * A table holding every row sorts and expands in the page. A listing larger than its
 * first page (`rows_url`) pages through all its rows from the server, 50 at a time, and
 * sorts there. Every table can be copied as CSV (the rows shown; all of them for a
 * complete table) and, when saved (`download`), downloaded as Excel in the order shown.
 * A one-row result of a few numbers shows as figure tiles, with the same two actions.
 */
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { TableSpec } from "../lib/agent/events.ts";
import { sortRows } from "../lib/agent/presentation.ts";
import { api } from "./api.ts";
import {
  type CellType,
  formatCell,
  formatCount,
  inferCellType,
  isNumericType,
  secondsTitle,
  toCellType,
  toCsv,
} from "./format.ts";
import { IconCheck, IconCopy, IconDownload } from "./icons.tsx";

/** Rows shown before the user asks for more (tables that hold every row). */
export const INITIAL_ROWS = 10;
/** Rows of a server page. */
export const PAGE_ROWS = 50;

/** Props of {@linkcode TableView}. */
export interface TableViewProps {
  table: TableSpec;
  /** Rows shown at first (default {@linkcode INITIAL_ROWS}). */
  initialRows?: number;
}

/** An order: a column index and a direction. */
export type TableOrder = { column: number; order: "asc" | "desc" };

/** The type of every column: declared, else inferred from the values. */
export function columnTypes(table: TableSpec): CellType[] {
  return table.columns.map((_, i) =>
    toCellType(table.column_types?.[i]) ?? inferCellType(table.rows.map((r) => r[i]))
  );
}

/**
 * A column header as shown: a seconds column drops its "(s)" unit, since its values read
 * as m:ss.
 */
export function columnLabel(label: string, type: CellType): string {
  return type === "seconds" ? label.replace(/\s*\((s|sec|secs|seconds)\)\s*$/i, "") : label;
}

/**
 * True for a one-row table of a few numbers ("Calls: 38", "Incoming, Missed, Rate"), which
 * reads better as figures than as a table.
 */
export function isFigures(table: TableSpec, types: CellType[]): boolean {
  return table.rows.length === 1 && table.total_rows <= 1 && table.columns.length >= 1 &&
    table.columns.length <= 4 && types.every(isNumericType);
}

/** "Showing 10 of 4,079 rows" (or "3 rows" when everything is shown). */
export function rowsCaption(shown: number, total: number): string {
  const noun = total === 1 ? "row" : "rows";
  return shown >= total
    ? `${formatCount(total)} ${noun}`
    : `Showing ${formatCount(shown)} of ${formatCount(total)} ${noun}`;
}

/** "Rows 451–500 of 500" for a page starting at row `start` (0-based). */
export function pageCaption(start: number, shown: number, total: number): string {
  if (shown === 0) return `No rows of ${formatCount(total)}`;
  return `Rows ${formatCount(start + 1)}–${formatCount(start + shown)} of ${formatCount(total)}`;
}

/** The order after a click on column `column`: the other direction, or a fresh one. */
export function nextOrder(
  current: TableOrder | null | undefined,
  column: number,
  numeric: boolean,
): TableOrder {
  if (current && current.column === column) {
    return { column, order: current.order === "asc" ? "desc" : "asc" };
  }
  return { column, order: numeric ? "desc" : "asc" };
}

/** The Excel link of a saved table in `order`, or null when it is not one of this app's. */
export function excelHref(
  table: Pick<TableSpec, "download" | "column_keys" | "sort">,
  order: TableOrder | null,
): string | null {
  const base = table.download;
  if (!base || !/^\/api\/tables\/[A-Za-z0-9_-]+\/xlsx$/.test(base)) return null;
  const key = order ? table.column_keys?.[order.column] : undefined;
  const same = order && table.sort && order.column === table.sort.column &&
    order.order === table.sort.order;
  if (!order || !key || same) return base;
  return `${base}?sort=${encodeURIComponent(key)}&order=${order.order}`;
}

/** The rows URL of a saved table, or null when it is not one of this app's. */
function rowsHref(table: TableSpec): string | null {
  const url = table.rows_url;
  return url && /^\/api\/tables\/[A-Za-z0-9_-]+\/rows$/.test(url) ? url : null;
}

interface ServerPage {
  rows: unknown[][];
  start: number;
  next: string | null;
  /** The cursor each page so far was read with (null: the first page). */
  cursors: (string | null)[];
  /** The order asked of the server (null: the table's own order, the preview). */
  order: TableOrder | null;
}

interface RowsResponse {
  rows: unknown[][];
  start: number;
  total_rows: number;
  next_cursor: string | null;
}

/** Renders one table. */
export function TableView({ table, initialRows = INITIAL_ROWS }: TableViewProps): JSX.Element {
  const types = columnTypes(table);
  if (isFigures(table, types)) return <FiguresView table={table} types={types} />;
  return <GridView table={table} types={types} initialRows={initialRows} />;
}

function GridView(
  { table, types, initialRows }: { table: TableSpec; types: CellType[]; initialRows: number },
): JSX.Element {
  const total = Math.max(table.total_rows, table.rows.length);
  const rowsUrl = rowsHref(table);
  const server = rowsUrl !== null && total > table.rows.length;
  const [expanded, setExpanded] = useState(false);
  const [order, setOrder] = useState<TableOrder | null>(table.sort ?? null);
  const [page, setPage] = useState<ServerPage>({
    rows: table.rows,
    start: 0,
    next: table.next_cursor ?? null,
    cursors: [null],
    order: null,
  });
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState("");
  const partial = new Set((table.partial_rows ?? []).map((i) => table.rows[i]));

  let rows: unknown[][];
  let caption: string;
  if (server) {
    rows = page.rows;
    caption = pageCaption(page.start, rows.length, total);
  } else {
    const sorted = order && !sameOrder(order, table.sort)
      ? sortRows(table.rows, order.column, order.order)
      : table.rows;
    rows = expanded ? sorted : sorted.slice(0, initialRows);
    caption = rowsCaption(rows.length, total);
  }
  const hidden = server ? 0 : table.rows.length - rows.length;

  async function load(next: TableOrder | null, cursor: string | null, cursors: (string | null)[]) {
    if (!rowsUrl) return;
    if (!next && cursor === null) {
      setPage({
        rows: table.rows,
        start: 0,
        next: table.next_cursor ?? null,
        cursors,
        order: null,
      });
      return;
    }
    const q = new URLSearchParams({ limit: String(PAGE_ROWS) });
    const key = next ? table.column_keys?.[next.column] : undefined;
    if (next && key) {
      q.set("sort", key);
      q.set("order", next.order);
    }
    if (cursor) q.set("cursor", cursor);
    setLoading(true);
    setError("");
    try {
      const res = await api<RowsResponse>(`${rowsUrl}?${q}`);
      setPage({ rows: res.rows, start: res.start, next: res.next_cursor, cursors, order: next });
    } catch (e) {
      setError(e instanceof Error ? e.message : "The rows could not be loaded.");
    } finally {
      setLoading(false);
    }
  }

  function sortBy(column: number) {
    const next = nextOrder(order, column, isNumericType(types[column]));
    setOrder(next);
    if (server) {
      const own = sameOrder(next, table.sort);
      void load(own ? null : next, null, [null]);
    }
  }

  function goNext() {
    if (!page.next) return;
    void load(page.order, page.next, [...page.cursors, page.next]);
  }

  function goPrevious() {
    if (page.cursors.length < 2) return;
    const cursors = page.cursors.slice(0, -1);
    void load(page.order, cursors[cursors.length - 1], cursors);
  }

  /** The rows to copy: the page shown, else every row in the order shown. */
  const copyRows = () =>
    server
      ? rows
      : (order && !sameOrder(order, table.sort)
        ? sortRows(table.rows, order.column, order.order)
        : table.rows);

  return (
    <figure class="result-table" aria-busy={loading ? "true" : "false"}>
      <figcaption class="result-head">
        <span class="result-title">
          {table.title}
          {table.so_far && <SoFar />}
        </span>
        <span class="result-meta" aria-live="polite">{caption}</span>
      </figcaption>
      <ScrollFrame label={`Table: ${table.title}`}>
        <table>
          <thead>
            <tr>
              {table.columns.map((c, i) => {
                const numeric = isNumericType(types[i]);
                const active = order?.column === i ? order.order : null;
                return (
                  <th
                    key={i}
                    scope="col"
                    class={numeric ? "num" : undefined}
                    aria-sort={active === "asc"
                      ? "ascending"
                      : active === "desc"
                      ? "descending"
                      : undefined}
                  >
                    <button
                      type="button"
                      class={`sort-button${active ? " is-sorted" : ""}`}
                      onClick={() => sortBy(i)}
                      disabled={loading}
                      title={`Sort by ${columnLabel(c, types[i])}`}
                    >
                      <span>{columnLabel(c, types[i])}</span>
                      <SortMark order={active} />
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {rows.length === 0
              ? (
                <tr>
                  <td class="empty" colSpan={Math.max(1, table.columns.length)}>No rows</td>
                </tr>
              )
              : rows.map((row, r) => {
                const soFar = partial.has(row);
                return (
                  <tr
                    key={`${page.start}-${r}`}
                    class={soFar ? "is-partial" : undefined}
                    title={soFar ? "Not over yet: the figures so far" : undefined}
                  >
                    {table.columns.map((_, i) => (
                      <Cell key={i} value={row[i]} type={types[i]} soFar={soFar && i === 0} />
                    ))}
                  </tr>
                );
              })}
          </tbody>
        </table>
      </ScrollFrame>
      <div class="result-foot">
        <div class="result-paging">
          {server && (
            <>
              <button
                type="button"
                class="button button-small button-secondary"
                onClick={goPrevious}
                disabled={loading || page.cursors.length < 2}
              >
                ‹ Previous
              </button>
              <button
                type="button"
                class="button button-small button-secondary"
                onClick={goNext}
                disabled={loading || !page.next}
              >
                Next ›
              </button>
            </>
          )}
          {!server && (hidden > 0 || expanded) && (
            <button
              type="button"
              class="link-button"
              onClick={() => setExpanded(!expanded)}
            >
              {expanded ? "Show fewer rows" : `Show ${formatCount(hidden)} more`}
            </button>
          )}
          {error && <span class="table-error" role="alert">{error}</span>}
        </div>
        <ResultActions
          columns={table.columns}
          rows={copyRows}
          excel={excelHref(table, order)}
          resetKey={order ? `${order.column}-${order.order}` : ""}
        />
      </div>
    </figure>
  );
}

/** Props of {@linkcode ResultActions}. */
export interface ResultActionsProps {
  /** The column labels (the CSV header: raw values, so units stay in the labels). */
  columns: string[];
  /** The rows to copy, read when Copy is pressed. */
  rows: () => unknown[][];
  /** The Excel download, or null when the result is not saved. */
  excel: string | null;
  /** A change of this clears "Copied …" (another order). */
  resetKey?: string;
}

/** "Copy as CSV" and "Download Excel" of a result, and what the copy did. */
export function ResultActions(p: ResultActionsProps): JSX.Element {
  const [copied, setCopied] = useState("");
  useEffect(() => setCopied(""), [p.resetKey]);

  async function copyCsv() {
    const shown = p.rows();
    try {
      await writeClipboard(toCsv(p.columns, shown));
      setCopied(`Copied ${formatCount(shown.length)} ${shown.length === 1 ? "row" : "rows"}`);
    } catch {
      setCopied("Copying is not allowed here");
    }
  }

  function downloadExcel() {
    if (!p.excel) return;
    const a = document.createElement("a");
    a.href = p.excel;
    a.download = "";
    a.rel = "noopener";
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  return (
    <div class="result-actions">
      <span class="copied" role="status">{copied}</span>
      <button type="button" class="button button-small button-ghost" onClick={copyCsv}>
        {copied.startsWith("Copied") ? <IconCheck /> : <IconCopy />}
        <span>Copy as CSV</span>
      </button>
      {p.excel && (
        <button
          type="button"
          class="button button-small button-secondary"
          onClick={downloadExcel}
        >
          <IconDownload />
          <span>Download Excel</span>
        </button>
      )}
    </div>
  );
}

function sameOrder(a: TableOrder | null | undefined, b: TableOrder | null | undefined): boolean {
  return Boolean(a && b && a.column === b.column && a.order === b.order) || (!a && !b);
}

/** One cell: formatted by type; seconds carry their exact value on hover. */
function Cell(
  { value, type, soFar }: { value: unknown; type: CellType; soFar: boolean },
): JSX.Element {
  const numeric = isNumericType(type);
  const title = type === "seconds" && typeof value === "number" && Number.isFinite(value)
    ? secondsTitle(value)
    : undefined;
  return (
    <td class={numeric ? "num" : undefined} title={title}>
      {formatCell(value, type)}
      {soFar && <SoFar />}
    </td>
  );
}

function SoFar(): JSX.Element {
  return <span class="so-far" title="Not over yet: the figures so far">so far</span>;
}

function SortMark({ order }: { order: "asc" | "desc" | null }): JSX.Element {
  return (
    <svg
      class={`sort-mark${order ? ` is-${order}` : ""}`}
      viewBox="0 0 12 12"
      width="10"
      height="10"
      aria-hidden="true"
      focusable="false"
    >
      {order !== "desc" && <path d="M3 5l3-3 3 3" fill="none" stroke="currentColor" />}
      {order !== "asc" && <path d="M3 7l3 3 3-3" fill="none" stroke="currentColor" />}
    </svg>
  );
}

/**
 * The scrolling box of a table, with a visible cue (a shaded edge and a hint) while more
 * columns are off to either side.
 */
function ScrollFrame(
  { label, children }: { label: string; children: JSX.Element },
): JSX.Element {
  const box = useRef<HTMLDivElement>(null);
  const [edges, setEdges] = useState({ left: false, right: false });
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const update = () => {
      const left = el.scrollLeft > 1;
      const right = el.scrollLeft + el.clientWidth < el.scrollWidth - 1;
      setEdges((e) => (e.left === left && e.right === right ? e : { left, right }));
    };
    update();
    el.addEventListener("scroll", update, { passive: true });
    const observer = typeof ResizeObserver === "function" ? new ResizeObserver(update) : null;
    observer?.observe(el);
    if (el.firstElementChild) observer?.observe(el.firstElementChild);
    return () => {
      el.removeEventListener("scroll", update);
      observer?.disconnect();
    };
  }, []);
  return (
    <div
      class={`table-frame${edges.left ? " more-left" : ""}${edges.right ? " more-right" : ""}`}
    >
      <div ref={box} class="table-scroll" tabIndex={0} role="region" aria-label={label}>
        {children}
      </div>
      {edges.right && (
        <span class="scroll-hint" aria-hidden="true">
          More<span class="scroll-hint-long">columns</span>→
        </span>
      )}
    </div>
  );
}

/** Copies text: the Clipboard API, else a hidden text area and the copy command. */
async function writeClipboard(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return;
    } catch {
      // Fall back below (insecure origins, denied permission).
    }
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "clipboard-buffer";
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("Cannot copy");
}

/** A one-row table as figure tiles (label above, value below). */
function FiguresView({ table, types }: { table: TableSpec; types: CellType[] }): JSX.Element {
  const row = table.rows[0];
  return (
    <figure class="result-figures">
      <dl class="figures">
        {table.columns.map((c, i) => (
          <div class="figure" key={i}>
            <dt>{columnLabel(c, types[i]).replace(/\s*\(%\)\s*$/, "")}</dt>
            <dd
              title={types[i] === "seconds" && typeof row[i] === "number"
                ? secondsTitle(row[i] as number)
                : undefined}
            >
              {formatCell(row[i], types[i])}
            </dd>
          </div>
        ))}
      </dl>
      <div class="figures-foot">
        <figcaption class="figures-title">
          {table.title}
          {table.so_far && <SoFar />}
        </figcaption>
        <ResultActions
          columns={table.columns}
          rows={() => table.rows.slice(0, 1)}
          excel={excelHref(table, null)}
        />
      </div>
    </figure>
  );
}
