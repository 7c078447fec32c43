/**
 * GET /api/reports/catalog → `{reports: [{name, title, description, kind, params,
 * required, group_by}]}`: the catalog entries a report can be built from (Explore), with
 * the parameters each takes and the groupings it offers.
 */
import { acceptedParams } from "../../../lib/agent/direct_turn.ts";
import type { CatalogEntryInfo } from "../../../lib/agent/pickers.ts";
import { listReports } from "../../../lib/reports/catalog.ts";
import type { ReportDefinition } from "../../../lib/reports/types.ts";
import { json, requireUser } from "../../../lib/web/http.ts";
import type { AppState } from "../../../lib/web/state.ts";
import type { Handlers } from "../../../lib/web/types.ts";

/** An entry as the API lists it. */
export function catalogEntryInfo(def: ReportDefinition): CatalogEntryInfo {
  const schema = def.parameters as {
    properties?: Record<string, { enum?: unknown[] }>;
    required?: string[];
  };
  const groups = schema.properties?.group_by?.enum;
  return {
    name: def.name,
    title: def.title,
    description: def.description,
    kind: def.kind,
    params: acceptedParams(def),
    required: [...(schema.required ?? [])],
    group_by: Array.isArray(groups) ? groups.map(String) : [],
  };
}

export const handler: Handlers<unknown, AppState> = {
  GET(_req, ctx) {
    requireUser(ctx.state);
    return json({ reports: listReports().map(catalogEntryInfo) }, 200, {
      "Cache-Control": "private, max-age=300",
    });
  },
};
