/**
 * Every catalog pipeline pushes its work down to the database: it starts with a `$match`
 * on a `start_time` range (served by the `start_time` index of a real MongoDB), listings
 * project only the columns they show right after that, and aggregates group on the
 * server. Checked over every entry, every `group_by` it accepts and every filter.
 */
import assert from "node:assert/strict";
import type { DataClient, Document } from "../data/types.ts";
import { listReports, ReportParamError } from "./catalog.ts";
import { extrasOf } from "./compiled.ts";
import { FIXTURE_NOW, fixtureClient } from "../../testing/report_fixture.ts";
import type { CompiledReport, ReportDefinition, ReportParams } from "./types.ts";

const FILTERS: ReportParams[] = [
  {},
  { direction: "incoming" },
  { status: ["answered", "missed"] },
  { agent: "asha" },
  { queue: ["billing", "sales"] },
  { disposition: "resolved" },
  { customer: "+919800000003" },
  { customer: "Meera Shah" },
  { city: "Mumbai" },
  { segment: ["retail", "vip"] },
  { duration: { gt: 60, lte: 600 } },
  {
    direction: "incoming",
    status: "answered",
    agent: "asha",
    queue: "billing",
    city: "Pune",
    duration: { gte: 30 },
  },
];

const PERIODS: (string | undefined)[] = [undefined, "today", "last week", "from 1 Oct to 20 Oct"];

/** The parameter names `def` accepts, and the values of its `group_by`. */
function accepted(def: ReportDefinition): { names: Set<string>; groups: string[] } {
  const props = (def.parameters.properties ?? {}) as Record<string, Document>;
  const groups = (props.group_by?.enum as string[] | undefined) ?? [];
  return { names: new Set(Object.keys(props)), groups };
}

function supported(params: ReportParams, names: Set<string>): boolean {
  return Object.keys(params).every((k) => names.has(k));
}

function isDate(v: unknown): v is Date {
  return v instanceof Date && !Number.isNaN(v.getTime());
}

/**
 * Why `pipeline` does not start with a `$match` on a `start_time` range, or null. The
 * upper bound (the as-of instant) is always there; the lower one when `bounded` (a period
 * was asked for; without one a report covers all calls up to now).
 */
function startProblem(pipeline: Document[] | undefined, bounded = true): string | null {
  const first = pipeline?.[0];
  if (!first || !("$match" in first)) return `starts with ${JSON.stringify(first)}`;
  const range = (first.$match as Document).start_time as Document | undefined;
  if (!range || typeof range !== "object") return "its $match has no start_time condition";
  const lower = range.$gte ?? range.$gt;
  const upper = range.$lt ?? range.$lte;
  if (!isDate(upper) || (bounded && !isDate(lower)) || (lower !== undefined && !isDate(lower))) {
    return `start_time is not a range of dates: ${JSON.stringify(range)}`;
  }
  if (isDate(lower) && lower.getTime() > upper.getTime()) return "the start_time range is empty";
  return null;
}

function stages(pipeline: Document[]): string[] {
  return pipeline.map((s) => Object.keys(s)[0]);
}

/** Every stage name in `pipeline`, looking inside `$facet` branches. */
function deepStages(pipeline: Document[]): string[] {
  return pipeline.flatMap((s) => {
    const [name] = Object.keys(s);
    if (name !== "$facet") return [name];
    return Object.values(s.$facet as Record<string, Document[]>).flatMap(deepStages);
  });
}

function checkListing(c: CompiledReport, where: string): void {
  const names = stages(c.pipeline);
  const at = names.indexOf("$project");
  assert.ok(at > 0, `${where}: a listing projects its columns`);
  // Only the filter, the order and the page come before the projection.
  for (const n of names.slice(0, at)) {
    assert.ok(["$match", "$sort", "$limit", "$skip"].includes(n), `${where}: ${n} before $project`);
  }
  const project = c.pipeline[at].$project as Document;
  const shown = new Set(c.columns.map((col) => col.key));
  for (const [field, how] of Object.entries(project)) {
    if (how === 0 || how === false) continue;
    assert.ok(shown.has(field), `${where}: projects ${field}, which no column shows`);
  }
}

function checkAggregate(c: CompiledReport, where: string): void {
  assert.ok(
    deepStages(c.pipeline).some((n) => n === "$group" || n === "$count"),
    `${where}: grouped on the server`,
  );
}

async function compileAll(
  client: DataClient,
  visit: (c: CompiledReport, where: string) => void,
): Promise<number> {
  let compiled = 0;
  for (const def of listReports()) {
    const { names, groups } = accepted(def);
    for (const group of [undefined, ...groups]) {
      for (const filter of FILTERS) {
        for (const period of PERIODS) {
          const params: ReportParams = { ...filter };
          if (period) params.period = period;
          if (group) params.group_by = group as ReportParams["group_by"];
          if (!supported(params, names)) continue;
          const where = `${def.name} ${JSON.stringify(params)}`;
          let c: CompiledReport;
          try {
            c = await def.compile(params, { client, tz: "America/New_York", now: FIXTURE_NOW });
          } catch (e) {
            // A required parameter missing (e.g. group_by) is the caller's error, not a scan.
            if (e instanceof ReportParamError) continue;
            throw e;
          }
          compiled++;
          visit(c, where);
        }
      }
    }
  }
  return compiled;
}

Deno.test("every catalog pipeline starts with a $match on a start_time range", async () => {
  const client = await fixtureClient();
  try {
    const seen = new Set<string>();
    const n = await compileAll(client, (c, where) => {
      seen.add(c.name);
      assert.equal(c.collection, "calling_cdr", where);
      const extras = extrasOf(c);
      const pipelines: [string, Document[] | undefined][] = [
        ["pipeline", c.pipeline],
        ["count", extras?.countPipeline],
        ["summary", extras?.summaryPipeline],
        ["leaders", extras?.leadersPipeline],
      ];
      for (const [label, p] of pipelines) {
        if (label !== "pipeline" && p === undefined) continue;
        assert.equal(startProblem(p, c.period !== undefined), null, `${where} (${label})`);
      }
    });
    assert.deepEqual([...seen].sort(), listReports().map((d) => d.name).sort());
    assert.ok(n > listReports().length * PERIODS.length, `${n} combinations compiled`);
  } finally {
    await client.close();
  }
});

Deno.test("listings project only their columns early; aggregates group on the server", async () => {
  const client = await fixtureClient();
  try {
    await compileAll(client, (c, where) => {
      if (c.kind === "listing") checkListing(c, where);
      else checkAggregate(c, where);
    });
  } finally {
    await client.close();
  }
});

Deno.test("startProblem catches pipelines that would scan every call", () => {
  const t = new Date("2026-11-01T00:00:00Z");
  const u = new Date("2026-11-02T00:00:00Z");
  assert.equal(startProblem([{ $match: { start_time: { $gte: t, $lt: u } } }]), null);
  assert.match(startProblem([{ $sort: { start_time: 1 } }])!, /starts with/);
  assert.match(startProblem([{ $match: { status: "answered" } }])!, /no start_time/);
  assert.match(startProblem([{ $match: { start_time: { $gte: t } } }])!, /not a range/);
  assert.match(startProblem([{ $match: { start_time: { $lt: u } } }])!, /not a range/);
  assert.equal(startProblem([{ $match: { start_time: { $lt: u } } }], false), null);
  assert.match(startProblem([{ $match: { start_time: { $gt: "x", $lt: u } } }], false)!, /not/);
  assert.match(startProblem([{ $match: { start_time: { $gte: u, $lt: t } } }])!, /empty/);
  assert.match(startProblem([])!, /starts with/);
});
