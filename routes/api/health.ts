/**
 * GET /api/health → 200 `{status: "ok", data}` when this instance can read KV, else 503
 * `{status: "unavailable", problem: "kv"}`; no session needed (load balancers, uptime
 * checks). `data` is "ready", or "loading" while a background data source opens. Nothing
 * about the data or the users is disclosed.
 */
import { json } from "../../lib/web/http.ts";
import type { AppState } from "../../lib/web/state.ts";
import type { Handlers } from "../../lib/web/types.ts";

/** How long the KV read may take before the instance counts as unhealthy. */
const KV_DEADLINE_MS = 2_000;

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    const app = ctx.state.app;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("KV read timed out")), KV_DEADLINE_MS);
    });
    try {
      await Promise.race([app.store.ping(), late]);
    } catch (e) {
      app.log("Health check: KV cannot be read", e);
      return json({ status: "unavailable", problem: "kv" }, 503);
    } finally {
      clearTimeout(timer);
    }
    const data = app.data && "isOpen" in app.data && app.data.isOpen === false
      ? "loading"
      : "ready";
    return json({ status: "ok", data });
  },
};
