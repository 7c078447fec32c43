/** The report catalog as the agent's tools use it (the real lib/reports modules). */
import { getReport, listReports } from "../reports/catalog.ts";
import { runReport } from "../reports/run.ts";
import { saveReportFromCompiled } from "../reports/save.ts";
import type { CatalogApi } from "./tools.ts";

/** The real catalog: entries, running and saving reports. */
export const realCatalog: CatalogApi = {
  listReports,
  getReport,
  runReport: (name, params, ctx, opts) => runReport(name, params, ctx, opts),
  saveReportFromCompiled: (compiled, opts) => saveReportFromCompiled(compiled, opts),
};
