/**
 * The Schedules page: the user's scheduled reports (pause/resume, run now, delete, the
 * delivery log), the form that creates one, and the in-app inbox of delivered reports.
 */
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError } from "../components/api.ts";
import { IconX } from "../components/icons.tsx";
import { PageHeader } from "../components/page_header.tsx";
import type { Loaded } from "../components/picker_context.ts";
import {
  initialFormValues,
  scheduleBody,
  ScheduleForm,
  type ScheduleFormValues,
} from "../components/schedule_form.tsx";
import {
  IconClock,
  InboxList,
  type InboxView,
  type RunView,
  ScheduleCard,
  type ScheduleView,
} from "../components/schedule_list.tsx";
import type { CatalogEntryInfo, PickerVocabulary } from "../lib/agent/pickers.ts";
import { runInProgress } from "../lib/schedules/words.ts";

/** Props of the Schedules island. */
export interface SchedulesProps {
  username: string;
  /** Admins also get the Team page in the navigation. */
  isAdmin: boolean;
  /** IANA business zone (times are read and shown in it). */
  timeZone: string;
  catalog: CatalogEntryInfo[];
  schedules: ScheduleView[];
  /** The newest run of each schedule, by id. */
  lastRuns: Record<string, RunView | null>;
  inbox: InboxView[];
}

const POLL_MS = 600;
const POLL_LIMIT = 60;

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The Schedules island. */
export default function Schedules(p: SchedulesProps): JSX.Element {
  const [schedules, setSchedules] = useState<ScheduleView[]>(p.schedules);
  const [lastRuns, setLastRuns] = useState<Record<string, RunView | null>>(p.lastRuns);
  const [logs, setLogs] = useState<Record<string, RunView[] | null>>({});
  const [expanded, setExpanded] = useState<string[]>([]);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [inbox, setInbox] = useState<InboxView[]>(p.inbox);
  const [values, setValues] = useState<ScheduleFormValues>(() => initialFormValues(p.catalog));
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [vocabulary, setVocabulary] = useState<Loaded<PickerVocabulary>>({ state: "loading" });
  const [problem, setProblem] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const vocabAsked = useRef(false);
  const live = useRef(true);
  useEffect(() => () => void (live.current = false), []);

  const titles = new Map(p.catalog.map((e) => [e.name, e.title]));

  const needVocabulary = () => {
    if (vocabAsked.current) return;
    vocabAsked.current = true;
    api<PickerVocabulary>("/api/vocabulary").then(
      (value) => setVocabulary({ state: "ready", value }),
      (e) => setVocabulary({ state: "failed", message: message(e) }),
    );
  };

  const loadRuns = async (id: string): Promise<RunView[]> => {
    const { runs } = await api<{ runs: RunView[] }>(
      `/api/schedules/${encodeURIComponent(id)}/runs`,
    );
    if (live.current) {
      setLogs((l) => ({ ...l, [id]: runs }));
      setLastRuns((r) => ({ ...r, [id]: runs[0] ?? null }));
    }
    return runs;
  };

  const refreshInbox = async () => {
    const { items } = await api<{ items: InboxView[] }>("/api/inbox");
    if (live.current) setInbox(items);
  };

  const replace = (s: ScheduleView) =>
    setSchedules((list) => list.map((x) => (x.id === s.id ? s : x)));

  const act = async (id: string, work: () => Promise<void>) => {
    setBusy(id);
    setProblem(null);
    try {
      await work();
    } catch (e) {
      setProblem(message(e));
    } finally {
      if (live.current) setBusy(null);
    }
  };

  const toggleLog = (id: string) => {
    if (expanded.includes(id)) {
      setExpanded(expanded.filter((x) => x !== id));
      return;
    }
    setExpanded([...expanded, id]);
    if (!logs[id]) {
      setLogs((l) => ({ ...l, [id]: null }));
      loadRuns(id).catch((e) => setProblem(message(e)));
    }
  };

  const pause = (s: ScheduleView, paused: boolean) =>
    act(s.id, async () => {
      const next = await api<ScheduleView>(`/api/schedules/${encodeURIComponent(s.id)}`, {
        method: "PATCH",
        body: { paused },
      });
      replace(next);
      setAnnouncement(`${next.title} ${paused ? "paused" : "resumed"}.`);
    });

  const runNow = (s: ScheduleView) =>
    act(s.id, async () => {
      await api(`/api/schedules/${encodeURIComponent(s.id)}/run`, { method: "POST" });
      setAnnouncement(`${s.title}: running now.`);
      if (!expanded.includes(s.id)) setExpanded((x) => [...x, s.id]);
      let runs = await loadRuns(s.id);
      for (let i = 0; i < POLL_LIMIT && runs[0] && runInProgress(runs[0].status); i++) {
        await new Promise((r) => setTimeout(r, POLL_MS));
        if (!live.current) return;
        runs = await loadRuns(s.id);
      }
      if (runs[0]?.status === "inbox") {
        await refreshInbox();
        setAnnouncement(`${s.title} was delivered to your inbox.`);
      } else if (runs[0]?.status === "sent") {
        setAnnouncement(`${s.title} was sent.`);
      } else if (runs[0]?.status === "failed") {
        setAnnouncement(`${s.title} failed: see the delivery log.`);
      }
    });

  const remove = (s: ScheduleView) =>
    act(s.id, async () => {
      await api(`/api/schedules/${encodeURIComponent(s.id)}`, { method: "DELETE" });
      setSchedules((list) => list.filter((x) => x.id !== s.id));
      setConfirming(null);
      setAnnouncement(`${s.title} deleted.`);
    });

  const create = async () => {
    setSaving(true);
    setFormError(null);
    try {
      const made = await api<ScheduleView>("/api/schedules", {
        method: "POST",
        body: scheduleBody(values, p.catalog),
      });
      setSchedules((list) => [...list, made]);
      setLastRuns((r) => ({ ...r, [made.id]: null }));
      setValues(initialFormValues(p.catalog));
      setAnnouncement(`${made.title} scheduled.`);
      requestAnimationFrame(() => {
        document.getElementById(`sched-${made.id}`)?.scrollIntoView({ block: "nearest" });
      });
    } catch (e) {
      setFormError(
        e instanceof ApiError && e.status === 400
          ? e.message
          : `The schedule was not saved: ${message(e)}`,
      );
    } finally {
      setSaving(false);
    }
  };

  return (
    <div class="sched-page">
      <PageHeader
        current="schedules"
        username={p.username}
        timeZone={p.timeZone}
        isAdmin={p.isAdmin}
      />
      <main class="sched-main" aria-labelledby="sched-page-title">
        <div class="sched-intro">
          <h1 id="sched-page-title">
            <IconClock /> Scheduled reports
          </h1>
          <p class="sched-muted">
            Reports that arrive on their own. Times are in {p.timeZone}.
          </p>
        </div>
        {problem && (
          <div class="banner sched-banner" role="alert">
            <span>{problem}</span>
            <button
              type="button"
              class="icon-button"
              aria-label="Dismiss"
              onClick={() => setProblem(null)}
            >
              <IconX />
            </button>
          </div>
        )}
        <div class="sched-grid">
          <section class="sched-list-section" aria-labelledby="sched-list-title">
            <h2 class="sched-section-title" id="sched-list-title">
              Your schedules{schedules.length > 0 && (
                <span class="sched-count">{schedules.length}</span>
              )}
            </h2>
            {schedules.length === 0
              ? (
                <div class="sched-empty">
                  <p>
                    A schedule runs a report for you — say, last week's agent performance every
                    Monday at 9 — and emails it as Excel or PDF, or puts it in your inbox below.
                  </p>
                  <p>
                    Create one with the form, or ask in the chat:{" "}
                    <q>Email me the agent performance report every Monday at 9</q>.
                  </p>
                </div>
              )
              : (
                <ul class="sched-list">
                  {schedules.map((s) => (
                    <ScheduleCard
                      key={s.id}
                      schedule={s}
                      reportTitle={titles.get(s.report.name) ?? s.report.name}
                      lastRun={lastRuns[s.id] ?? null}
                      runs={logs[s.id] ?? null}
                      expanded={expanded.includes(s.id)}
                      confirming={confirming === s.id}
                      busy={busy === s.id}
                      onToggleLog={() => toggleLog(s.id)}
                      onPause={(paused) => pause(s, paused)}
                      onRunNow={() => runNow(s)}
                      onAskDelete={() => setConfirming(s.id)}
                      onCancelDelete={() => setConfirming(null)}
                      onDelete={() => remove(s)}
                    />
                  ))}
                </ul>
              )}
          </section>
          <section class="sched-form-section" aria-label="Create a schedule">
            <ScheduleForm
              catalog={p.catalog}
              values={values}
              onChange={(next) => {
                setValues(next);
              }}
              onSubmit={create}
              vocabulary={vocabulary}
              onNeedVocabulary={needVocabulary}
              error={formError}
              saving={saving}
              timeZone={p.timeZone}
            />
          </section>
          <section class="sched-inbox-section" aria-labelledby="sched-inbox-title">
            <h2 class="sched-section-title" id="sched-inbox-title">
              Inbox{inbox.length > 0 && <span class="sched-count">{inbox.length}</span>}
            </h2>
            <InboxList items={inbox} tz={p.timeZone} />
          </section>
        </div>
        <div class="visually-hidden" aria-live="polite" role="status">{announcement}</div>
      </main>
    </div>
  );
}
