/**
 * GET /api/vocabulary → the values the reading pickers list: `{agents, queues, cities,
 * segments, dispositions, directions, statuses, dimensions, period_presets}`. Names come
 * from the data (distinct values, cached per data client for a few minutes); the rest
 * from the catalog. Private to the session and cacheable for a minute (ETag, 304).
 */
import { vocabularyFor } from "../../lib/agent/name_check.ts";
import { PERIOD_PRESETS, type PickerVocabulary } from "../../lib/agent/pickers.ts";
import { CALL_STATUSES, DIMENSIONS, DIRECTIONS } from "../../lib/reports/types.ts";
import { HttpError } from "../../lib/web/errors.ts";
import { requireUser } from "../../lib/web/http.ts";
import type { AppState } from "../../lib/web/state.ts";
import type { Handlers } from "../../lib/web/types.ts";

/** How long a browser may reuse the answer without asking (seconds). */
export const VOCABULARY_MAX_AGE = 60;

/** A strong ETag of a JSON text (SHA-256 prefix). */
async function etagOf(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  const hex = [...new Uint8Array(digest).slice(0, 12)]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  return `"${hex}"`;
}

export const handler: Handlers<unknown, AppState> = {
  async GET(req, ctx) {
    requireUser(ctx.state);
    const data = ctx.state.app.data;
    if (!data) throw new HttpError(503, "unavailable", "The data source is not available");
    let v;
    try {
      // Not tied to this request: a slow first load still fills the shared cache.
      v = await vocabularyFor(data).get();
    } catch (e) {
      ctx.state.app.log("Cannot read the vocabulary", e);
      throw new HttpError(503, "unavailable", "Cannot read the names from the data right now");
    }
    const body: PickerVocabulary = {
      agents: v.agents,
      queues: v.queues,
      cities: v.cities,
      segments: v.segments,
      dispositions: v.dispositions,
      directions: [...DIRECTIONS],
      statuses: [...CALL_STATUSES],
      dimensions: [...DIMENSIONS],
      period_presets: PERIOD_PRESETS.map((p) => ({ ...p })),
    };
    const text = JSON.stringify(body);
    const etag = await etagOf(text);
    const headers = {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": `private, max-age=${VOCABULARY_MAX_AGE}`,
      "ETag": etag,
      "Vary": "Cookie",
    };
    const match = req.headers.get("If-None-Match");
    if (match && match.split(",").some((t) => t.trim() === etag)) {
      return new Response(null, { status: 304, headers });
    }
    return new Response(text, { status: 200, headers });
  },
};
