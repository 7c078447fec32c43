/**
 * The Alerts page: the user's KPI alert rules (state, the rule in words, window, filters,
 * channels; enable/disable, check now, delete after a confirm, the firing log with its
 * deliveries), the form that creates one (the webhook's secret shown once, with a copy
 * button), and the notification bell of the top navigation.
 */
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError } from "../components/api.ts";
import {
  alertBody,
  AlertForm,
  type AlertFormValues,
  type AlertMetricInfo,
  initialAlertValues,
} from "../components/alert_form.tsx";
import {
  AlertCard,
  type AlertCheckView,
  type AlertFiringView,
  type AlertView,
} from "../components/alert_list.tsx";
import { IconCopy, IconX } from "../components/icons.tsx";
import { PageHeader } from "../components/page_header.tsx";
import type { PickerVocabulary } from "../lib/agent/pickers.ts";

/** Props of the Alerts island. */
export interface AlertsProps {
  username: string;
  /** Admins also get the Team page in the navigation. */
  isAdmin: boolean;
  /** IANA business zone (times are shown in it). */
  timeZone: string;
  metrics: AlertMetricInfo[];
  alerts: AlertView[];
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The Alerts island. */
export default function Alerts(p: AlertsProps): JSX.Element {
  const [alerts, setAlerts] = useState<AlertView[]>(p.alerts);
  const [firings, setFirings] = useState<Record<string, AlertFiringView[] | null>>({});
  const [expanded, setExpanded] = useState<string[]>([]);
  const [checks, setChecks] = useState<Record<string, AlertCheckView>>({});
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [values, setValues] = useState<AlertFormValues>(() => initialAlertValues(p.metrics));
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [vocabulary, setVocabulary] = useState<PickerVocabulary | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const live = useRef(true);
  useEffect(() => () => void (live.current = false), []);

  useEffect(() => {
    api<PickerVocabulary>("/api/vocabulary").then(
      (v) => live.current && setVocabulary(v),
      () => {/* the filters offer "any" only */},
    );
    // A link from the bell (`/alerts#alert-<id>`) opens that rule's firing log.
    const m = /^#alert-(.+)$/.exec(location.hash);
    if (m) {
      const id = decodeURIComponent(m[1]);
      if (p.alerts.some((a) => a.id === id)) {
        toggleLog(id);
        requestAnimationFrame(() => document.getElementById(`alert-${id}`)?.scrollIntoView());
      }
    }
  }, []);

  const loadFirings = async (id: string) => {
    const r = await api<{ firings: AlertFiringView[] }>(
      `/api/alerts/${encodeURIComponent(id)}/firings`,
    );
    if (live.current) setFirings((f) => ({ ...f, [id]: r.firings }));
  };

  const toggleLog = (id: string) => {
    setExpanded((list) => {
      if (list.includes(id)) return list.filter((x) => x !== id);
      loadFirings(id).catch((e) => setProblem(message(e)));
      return [...list, id];
    });
  };

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

  const replace = (a: AlertView) =>
    setAlerts((list) => list.map((x) => (x.id === a.id ? { ...x, ...a } : x)));

  const enable = (a: AlertView, enabled: boolean) =>
    act(a.id, async () => {
      const next = await api<AlertView>(`/api/alerts/${encodeURIComponent(a.id)}`, {
        method: "PATCH",
        body: { enabled },
      });
      replace(next);
      setAnnouncement(`${next.name}: ${enabled ? "enabled" : "disabled"}`);
    });

  const check = (a: AlertView) =>
    act(a.id, async () => {
      const r = await api<AlertCheckView & { since: string | null }>(
        `/api/alerts/${encodeURIComponent(a.id)}/check`,
        { method: "POST" },
      );
      setChecks((c) => ({ ...c, [a.id]: r }));
      replace({ ...a, state: r.state, since: r.since });
      if (expanded.includes(a.id) || r.fired) {
        if (!expanded.includes(a.id)) setExpanded((l) => [...l, a.id]);
        await loadFirings(a.id);
      }
      setAnnouncement(`${a.name}: ${r.value_text ?? "no data"}${r.fired ? ", fired" : ""}`);
    });

  const remove = (a: AlertView) =>
    act(a.id, async () => {
      await api(`/api/alerts/${encodeURIComponent(a.id)}`, { method: "DELETE" });
      setAlerts((list) => list.filter((x) => x.id !== a.id));
      setConfirming(null);
      setAnnouncement(`${a.name}: deleted`);
    });

  const create = async () => {
    setSaving(true);
    setFormError(null);
    try {
      const made = await api<AlertView & { webhook_secret?: string }>("/api/alerts", {
        method: "POST",
        body: alertBody(values, p.metrics),
      });
      const { webhook_secret, ...view } = made;
      setAlerts((list) => [...list, { ...view, since: null }]);
      setValues(initialAlertValues(p.metrics));
      setCopied(false);
      setSecret(webhook_secret ? { name: made.name, secret: webhook_secret } : null);
      setAnnouncement(`Alert created: ${made.name}`);
      requestAnimationFrame(() => {
        document.getElementById(`alert-${made.id}`)?.scrollIntoView({ block: "nearest" });
      });
    } catch (e) {
      setFormError(
        e instanceof ApiError && e.status === 400
          ? e.message
          : `The alert was not saved: ${message(e)}`,
      );
    } finally {
      setSaving(false);
    }
  };

  return (
    <div class="sched-page">
      <PageHeader
        current="alerts"
        username={p.username}
        timeZone={p.timeZone}
        isAdmin={p.isAdmin}
      />
      <main class="sched-main" aria-labelledby="alerts-page-title">
        <div class="sched-intro">
          <h1 id="alerts-page-title">KPI alerts</h1>
          <p class="sched-muted">
            Checked every minute; an alert fires once when its value crosses the threshold and again
            only after it recovers. Times are in {p.timeZone}.
          </p>
        </div>
        <p class="visually-hidden" role="status" aria-live="polite">{announcement}</p>
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
        {secret && (
          <div class="alert-secret" role="region" aria-label="Webhook secret">
            <p>
              <strong>Webhook secret of “{secret.name}”</strong>{" "}
              — copy it now: it is shown only this once. Each POST carries{" "}
              <code>X-Signature: sha256=&lt;hex&gt;</code>, the HMAC-SHA256 of the raw body with
              this key.
            </p>
            <div class="alert-secret-row">
              <code class="alert-secret-value">{secret.secret}</code>
              <button
                type="button"
                class="button button-ghost"
                onClick={async () => {
                  try {
                    await navigator.clipboard.writeText(secret.secret);
                    setCopied(true);
                  } catch {
                    setProblem("The browser did not allow copying: select the secret instead.");
                  }
                }}
              >
                <IconCopy /> {copied ? "Copied" : "Copy"}
              </button>
              <button type="button" class="button button-ghost" onClick={() => setSecret(null)}>
                Done
              </button>
            </div>
          </div>
        )}
        <div class="sched-grid">
          <section class="sched-list-section" aria-labelledby="alerts-list-title">
            <h2 class="sched-section-title" id="alerts-list-title">
              Your alerts{alerts.length > 0 && <span class="sched-count">{alerts.length}</span>}
            </h2>
            {alerts.length === 0
              ? (
                <div class="sched-empty">
                  <p>
                    An alert watches a figure — say, the abandonment rate in the last hour — and
                    tells you when it crosses a threshold: in the bell, by email or by webhook.
                  </p>
                  <p>
                    Create one with the form, or ask in the chat:{" "}
                    <q>Alert me when the abandonment rate is above 10% in the last hour</q>.
                  </p>
                </div>
              )
              : (
                <div class="alert-cards">
                  {alerts.map((a) => (
                    <AlertCard
                      key={a.id}
                      alert={a}
                      tz={p.timeZone}
                      firings={firings[a.id] ?? null}
                      expanded={expanded.includes(a.id)}
                      confirming={confirming === a.id}
                      busy={busy === a.id}
                      check={checks[a.id] ?? null}
                      onToggleLog={() => toggleLog(a.id)}
                      onEnable={(on) => enable(a, on)}
                      onCheck={() => check(a)}
                      onAskDelete={() => setConfirming(a.id)}
                      onCancelDelete={() => setConfirming(null)}
                      onDelete={() => remove(a)}
                    />
                  ))}
                </div>
              )}
          </section>
          <section class="sched-form-section" aria-label="Create an alert">
            <AlertForm
              metrics={p.metrics}
              values={values}
              onChange={setValues}
              onSubmit={create}
              saving={saving}
              error={formError}
              queues={vocabulary?.queues ?? []}
              agents={vocabulary?.agents ?? []}
              directions={vocabulary?.directions ?? []}
            />
          </section>
        </div>
      </main>
    </div>
  );
}
