/**
 * The report catalog: the semantic layer of `../shared/contract/DATA.md` as named,
 * parameterised MongoDB pipelines over `calling_cdr`. Entry names, column keys and
 * summary keys follow the catalog contract (`notes/CATALOG.md`); the agent's tools, the
 * offline planner and `deno task report` all use these entries.
 */
import { ReportParamError } from "./errors.ts";
import { KPI_ENTRIES } from "./kpi.ts";
import { callList, topCustomers } from "./listing.ts";
import type { ReportDefinition } from "./types.ts";

export { ReportParamError } from "./errors.ts";

const ENTRIES: ReportDefinition[] = [callList, ...KPI_ENTRIES, topCustomers];
const BY_NAME = new Map(ENTRIES.map((e) => [e.name, e]));

/** Every catalog entry, in a stable order. */
export function listReports(): ReportDefinition[] {
  return [...ENTRIES];
}

/** The entry called `name`, or undefined. */
export function getReport(name: string): ReportDefinition | undefined {
  return BY_NAME.get(name.trim().toLowerCase());
}

/** The entry called `name`, or a ReportParamError listing the known names. */
export function requireReport(name: string): ReportDefinition {
  const def = getReport(name);
  if (!def) {
    throw new ReportParamError(
      `Unknown report "${name}": use one of ${ENTRIES.map((e) => e.name).join(", ")}`,
    );
  }
  return def;
}
