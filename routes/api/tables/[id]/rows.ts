/**
 * GET /api/tables/{id}/rows?cursor=…&limit=50&sort=key&order=asc|desc → one page of a
 * table shown in the chat, read again from its saved query:
 * `{rows, start, total_rows, next_cursor, sort}`. Rows are arrays in the table's column
 * order (dates as local wall time); `start` is the 0-based number of the first row;
 * `next_cursor` is null on the last page. At most 100 rows a page (default 50). A bad
 * cursor, page size or sort column answers 400; a table of another user 404 (unless shown in a conversation shared with the user).
 */
import { toCell } from "../../../../lib/agent/values.ts";
import {
  readPageSize,
  readTablePage,
  readTableSort,
  tablePipeline,
  TableRequestError,
} from "../../../../lib/reports/tables.ts";
import { BadRequestError, HttpError } from "../../../../lib/web/errors.ts";
import { json, sharedRead } from "../../../../lib/web/http.ts";
import type { AppState } from "../../../../lib/web/state.ts";
import type { Handlers } from "../../../../lib/web/types.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(req, ctx) {
    const app = ctx.state.app;
    const meta = await sharedRead.table(ctx.state, ctx.params.id);
    if (!app.data) {
      throw new HttpError(503, "unavailable", "The data source is not available right now");
    }
    const q = ctx.url.searchParams;
    try {
      const sort = readTableSort(q.get("sort"), q.get("order"), meta.columns);
      const page = await readTablePage(app.data, {
        collection: meta.collection,
        pipeline: tablePipeline(meta),
        columns: meta.columns,
        total: meta.rows,
      }, {
        cursor: q.get("cursor"),
        limit: readPageSize(q.get("limit")),
        sort,
        signal: req.signal,
      });
      return json({
        rows: page.docs.map((d) => meta.columns.map((c) => toCell(d[c.key] ?? null, meta.tz))),
        start: page.start,
        total_rows: meta.rows,
        next_cursor: page.next_cursor,
        sort,
      });
    } catch (e) {
      if (e instanceof TableRequestError) throw new BadRequestError(e.message);
      throw e;
    }
  },
};
