/**
 * A result table in the chat: title, header, the first rows (more on request) and the
 * full row count. Numbers are right-aligned and formatted by column type.
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import type { TableSpec } from "../lib/agent/events.ts";
import {
  type CellType,
  formatCell,
  formatCount,
  inferCellType,
  isNumericType,
  toCellType,
} from "./format.ts";

/** Rows shown before the user asks for more. */
export const INITIAL_ROWS = 10;

/** Props of {@linkcode TableView}. */
export interface TableViewProps {
  table: TableSpec;
  /** Rows shown at first (default {@linkcode INITIAL_ROWS}). */
  initialRows?: number;
}

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

/** Renders one table. */
export function TableView({ table, initialRows = INITIAL_ROWS }: TableViewProps): JSX.Element {
  const [expanded, setExpanded] = useState(false);
  const types = columnTypes(table);
  if (isFigures(table, types)) return <FiguresView table={table} types={types} />;
  const rows = expanded ? table.rows : table.rows.slice(0, initialRows);
  const total = Math.max(table.total_rows, table.rows.length);
  const hidden = table.rows.length - rows.length;
  return (
    <figure class="result-table">
      <figcaption class="result-head">
        <span class="result-title">{table.title}</span>
        <span class="result-meta">{rowsCaption(rows.length, total)}</span>
      </figcaption>
      <div class="table-scroll" tabIndex={0} role="region" aria-label={`Table: ${table.title}`}>
        <table>
          <thead>
            <tr>
              {table.columns.map((c, i) => (
                <th key={i} scope="col" class={isNumericType(types[i]) ? "num" : undefined}>
                  {columnLabel(c, types[i])}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.length === 0
              ? (
                <tr>
                  <td class="empty" colSpan={Math.max(1, table.columns.length)}>No rows</td>
                </tr>
              )
              : rows.map((row, r) => (
                <tr key={r}>
                  {table.columns.map((_, i) => (
                    <td key={i} class={isNumericType(types[i]) ? "num" : undefined}>
                      {formatCell(row[i], types[i])}
                    </td>
                  ))}
                </tr>
              ))}
          </tbody>
        </table>
      </div>
      {(hidden > 0 || expanded) && (
        <div class="result-foot">
          <button type="button" class="link-button" onClick={() => setExpanded(!expanded)}>
            {expanded ? "Show fewer rows" : `Show ${formatCount(hidden)} more`}
          </button>
        </div>
      )}
    </figure>
  );
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
            <dd>{formatCell(row[i], types[i])}</dd>
          </div>
        ))}
      </dl>
      <figcaption class="figures-title">{table.title}</figcaption>
    </figure>
  );
}
