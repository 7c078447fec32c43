/**
 * The system prompts (`prompts/*.md`), filled in with the current date and time in the
 * business zone, the zone's name and the report catalog.
 */
import type { ReportDefinition } from "../reports/types.ts";
import { MONTH_NAMES, WEEKDAY_NAMES } from "../time/words.ts";
import { localParts } from "../time/zone.ts";
import { isoLocal } from "./values.ts";

/** Prompt files under `prompts/`. */
export type PromptName = "supervisor" | "data_agent";

const cache = new Map<PromptName, Promise<string>>();

/** Reads a prompt template (once per process). */
export function loadPrompt(name: PromptName): Promise<string> {
  let p = cache.get(name);
  if (!p) {
    const url = new URL(`../../prompts/${name}.md`, import.meta.url);
    p = Deno.readTextFile(url).catch((e) => {
      cache.delete(name);
      throw new Error(`Cannot load prompt "${name}": ${(e as Error).message}`);
    });
    cache.set(name, p);
  }
  return p;
}

/** Replaces `{{key}}` placeholders; unknown keys are left as they are. */
export function renderPrompt(template: string, vars: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (m, k: string) => vars[k] ?? m);
}

/**
 * The time placeholders: `now` ("Tuesday, 24 November 2026, 14:30"), `tz`
 * ("Asia/Kolkata, UTC+05:30") and `today` ("2026-11-24").
 */
export function timeVars(now: Date, tz: string): { now: string; tz: string; today: string } {
  const p = localParts(now, tz);
  const pad = (n: number) => String(n).padStart(2, "0");
  const iso = isoLocal(now, tz);
  const offset = iso.slice(19);
  return {
    now: `${WEEKDAY_NAMES[p.weekday - 1]}, ${p.day} ${MONTH_NAMES[p.month - 1]} ${p.year}, ${
      pad(p.hour)
    }:${pad(p.minute)}`,
    tz: `${tz} (UTC${offset})`,
    today: `${p.year}-${pad(p.month)}-${pad(p.day)}`,
  };
}

/** The catalog as prompt lines: "- `name` (kind): description". */
export function catalogLines(entries: ReportDefinition[]): string {
  return entries.map((e) => `- \`${e.name}\` (${e.kind}): ${e.description}`).join("\n");
}

/** The supervisor's system prompt for this instant. */
export async function supervisorPrompt(now: Date, tz: string): Promise<string> {
  return renderPrompt(await loadPrompt("supervisor"), timeVars(now, tz));
}

/** The data agent's system prompt for this instant, database and catalog. */
export async function dataAgentPrompt(
  opts: { now: Date; tz: string; database: string; catalog: ReportDefinition[] },
): Promise<string> {
  return renderPrompt(await loadPrompt("data_agent"), {
    ...timeVars(opts.now, opts.tz),
    database: opts.database,
    catalog: catalogLines(opts.catalog),
  });
}
