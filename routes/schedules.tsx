/**
 * The Schedules page (`/schedules`): the signed-in user's scheduled reports with their
 * delivery logs, the form that creates one, and the in-app inbox. Rendered with the
 * lists, the catalog and the business zone, so it is complete at first paint.
 */
import type { JSX } from "preact";
import type { InboxView, RunView, ScheduleView } from "../components/schedule_list.tsx";
import Schedules from "../islands/Schedules.tsx";
import type { CatalogEntryInfo } from "../lib/agent/pickers.ts";
import { listReports } from "../lib/reports/catalog.ts";
import { scheduleView } from "../lib/schedules/input.ts";
import type { AppState } from "../lib/web/state.ts";
import type { Handlers, PageProps } from "../lib/web/types.ts";
import { inboxDownloads } from "./api/inbox/index.ts";
import { catalogEntryInfo } from "./api/reports/catalog.ts";

interface SchedulesData {
  username: string;
  isAdmin: boolean;
  timeZone: string;
  catalog: CatalogEntryInfo[];
  schedules: ScheduleView[];
  lastRuns: Record<string, RunView | null>;
  inbox: InboxView[];
}

/** GET: the page, or a redirect to sign in (the middleware normally does it first). */
export const handler: Handlers<SchedulesData, AppState> = {
  async GET(_req, ctx) {
    const user = ctx.state.user;
    if (!user) {
      return new Response(null, { status: 303, headers: { Location: "/login?next=/schedules" } });
    }
    const store = ctx.state.app.store;
    const list = await store.listSchedules(user.id);
    const lastRuns: Record<string, RunView | null> = {};
    await Promise.all(list.map(async (s) => {
      const [run] = await store.listScheduleRuns(s.id, 1);
      if (!run) return void (lastRuns[s.id] = null);
      const { owner: _o, schedule_id: _s, ...view } = run;
      lastRuns[s.id] = view;
    }));
    const inbox = (await store.listInbox(user.id)).map((i) => ({
      id: i.id,
      title: i.title,
      period_label: i.period_label,
      format: i.format,
      headline: i.headline,
      schedule_id: i.schedule_id,
      created_at: i.created_at,
      downloads: inboxDownloads(i),
    }));
    return ctx.render({
      username: user.username,
      isAdmin: user.role === "admin",
      timeZone: ctx.state.app.config.tz,
      catalog: listReports().map(catalogEntryInfo),
      schedules: list.map((s) => scheduleView(s) as unknown as ScheduleView),
      lastRuns,
      inbox,
    });
  },
};

/** Renders the Schedules page. */
export default function SchedulesPage(
  { data }: PageProps<SchedulesData, AppState>,
): JSX.Element {
  return <Schedules {...data} />;
}
