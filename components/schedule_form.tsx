/**
 * The "New schedule" form: a catalog report with a relative period and the Explore
 * filters, the format, the recipients, and when it runs (daily, weekly on chosen days or
 * monthly on day N, at a time in the business zone). Controlled: the island keeps the
 * values, so nothing typed is lost when the API answers with an error.
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import {
  applyChange,
  type CatalogEntryInfo,
  entryBlurb,
  LIST_FILTER_NAMES,
  LIST_FILTERS,
  type ListFilter,
  PERIOD_PRESETS,
  type PickerVocabulary,
  SINGLE_VALUE_FILTERS,
  switchEntry,
  valuesOf,
} from "../lib/agent/pickers.ts";
import { WEEKDAY_NAMES } from "../lib/time/words.ts";
import { IconX } from "./icons.tsx";
import { FILTER_WORDS, PickerStatus, ValuesPicker } from "./picker.tsx";
import type { Loaded } from "./picker_context.ts";
import type { ScheduleFormat } from "../lib/schedules/types.ts";
import { periodInWords } from "../lib/schedules/words.ts";

/** What the form holds. */
export interface ScheduleFormValues {
  title: string;
  report: string;
  /** Parameters as the pickers edit them (period, filters, group_by). */
  params: Record<string, unknown>;
  format: ScheduleFormat;
  /** Comma-separated email addresses. */
  recipients: string;
  kind: "daily" | "weekly" | "monthly";
  /** ISO weekdays, 1 = Monday. */
  weekdays: number[];
  /** Day of the month, as typed. */
  day: string;
  /** `HH:MM`. */
  time: string;
}

/** The form's first values. */
export function initialFormValues(catalog: readonly CatalogEntryInfo[]): ScheduleFormValues {
  const first = catalog.find((e) => e.name === "agent_performance") ?? catalog[0];
  return {
    title: "",
    report: first?.name ?? "",
    params: { period: "last week" },
    format: "xlsx",
    recipients: "",
    kind: "weekly",
    weekdays: [1],
    day: "1",
    time: "09:00",
  };
}

/** The `POST /api/schedules` body of the form's values. */
export function scheduleBody(
  v: ScheduleFormValues,
  catalog: readonly CatalogEntryInfo[],
): Record<string, unknown> {
  const entry = catalog.find((e) => e.name === v.report);
  const params = entry ? switchEntry(entry, v.params).params : v.params;
  const recurrence = v.kind === "daily"
    ? { kind: "daily", time: v.time }
    : v.kind === "weekly"
    ? { kind: "weekly", weekdays: v.weekdays, time: v.time }
    : { kind: "monthly", day: Number(v.day), time: v.time };
  const body: Record<string, unknown> = {
    report: { name: v.report, params },
    format: v.format,
    recipients: v.recipients.split(/[,;\s]+/).map((x) => x.trim()).filter(Boolean),
    recurrence,
  };
  if (v.title.trim()) body.title = v.title.trim();
  return body;
}

/** Props of {@linkcode ScheduleForm}. */
export interface ScheduleFormProps {
  catalog: readonly CatalogEntryInfo[];
  values: ScheduleFormValues;
  onChange: (next: ScheduleFormValues) => void;
  onSubmit: () => void;
  /** The filter values from the data (loaded on first use). */
  vocabulary: Loaded<PickerVocabulary>;
  /** Asks for the vocabulary (the first time a filter is edited). */
  onNeedVocabulary: () => void;
  /** The API's message for the last attempt, shown by the form. */
  error: string | null;
  saving: boolean;
  /** The business zone the time is read in. */
  timeZone: string;
}

const SCHEDULE_PERIODS = PERIOD_PRESETS.filter((p) => p.value !== "today");

/** The form. */
export function ScheduleForm(p: ScheduleFormProps): JSX.Element {
  const v = p.values;
  const set = (patch: Partial<ScheduleFormValues>) => p.onChange({ ...v, ...patch });
  const [editing, setEditing] = useState<ListFilter | null>(null);
  const entry = p.catalog.find((e) => e.name === v.report) ?? p.catalog[0];
  const current = entry ? switchEntry(entry, v.params).params : v.params;
  const filters = entry ? LIST_FILTER_NAMES.filter((f) => entry.params.includes(f)) : [];
  const chosen = filters.filter((f) => valuesOf(current[f]).length > 0);
  const addable = filters.filter((f) => !chosen.includes(f) && f !== editing);
  const setFilter = (f: ListFilter, values: string[]) => {
    set({ params: applyChange(v.params, { kind: "filter", name: f, values }) });
    setEditing(null);
  };
  const edit = (f: ListFilter | null) => {
    if (f) p.onNeedVocabulary();
    setEditing(f);
  };
  const periodRequired = entry?.required.includes("period") ?? false;

  return (
    <form
      class="sched-form"
      aria-labelledby="sched-form-title"
      aria-describedby={p.error ? "sched-form-error" : undefined}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        p.onSubmit();
      }}
    >
      <h2 class="sched-section-title" id="sched-form-title">New schedule</h2>

      <div class="sched-field">
        <label class="sched-label" for="sched-report">Report</label>
        <select
          id="sched-report"
          class="sched-input"
          name="report"
          aria-describedby="sched-report-hint"
          value={entry?.name ?? ""}
          onChange={(e) => {
            setEditing(null);
            set({ report: e.currentTarget.value });
          }}
        >
          {p.catalog.map((e) => <option key={e.name} value={e.name}>{e.title}</option>)}
        </select>
        {entry && <span class="sched-hint" id="sched-report-hint">{entryBlurb(entry)}</span>}
      </div>

      {entry?.params.includes("period") && (
        <div class="sched-field">
          <label class="sched-label" for="sched-period">Period</label>
          <select
            id="sched-period"
            class="sched-input"
            name="period"
            aria-describedby="sched-period-hint"
            value={typeof current.period === "string" ? current.period : ""}
            onChange={(e) =>
              set({
                params: applyChange(v.params, { kind: "period", period: e.currentTarget.value }),
              })}
          >
            {SCHEDULE_PERIODS.filter((x) => x.value || !periodRequired).map((x) => (
              <option key={x.value} value={x.value}>
                {x.value ? capitalize(periodInWords(x.value)) : x.label}
              </option>
            ))}
          </select>
          <span class="sched-hint" id="sched-period-hint">
            Relative: read again at each run.
          </span>
        </div>
      )}

      {filters.length > 0 && (
        <fieldset class="sched-fieldset">
          <legend class="sched-label">Filters</legend>
          <ul class="reading explore-filters sched-filter-list">
            {chosen.map((f) => (
              <li key={f} class="reading-item explore-filter">
                <button
                  type="button"
                  class={`reading-chip reading-filter is-editable${
                    editing === f ? " is-open" : ""
                  }`}
                  aria-expanded={editing === f ? "true" : "false"}
                  onClick={() => edit(editing === f ? null : f)}
                >
                  {FILTER_WORDS[f][0]}: {valuesOf(current[f]).join(" or ")}
                </button>
                <button
                  type="button"
                  class="icon-button explore-remove"
                  aria-label={`Remove the ${FILTER_WORDS[f][0]} filter`}
                  onClick={() => setFilter(f, [])}
                >
                  <IconX />
                </button>
              </li>
            ))}
            {addable.length > 0 && (
              <li class="reading-item">
                <label class="visually-hidden" for="sched-add-filter">Add a filter</label>
                <select
                  id="sched-add-filter"
                  class="explore-select explore-add"
                  value=""
                  onChange={(e) => {
                    const f = e.currentTarget.value as ListFilter;
                    e.currentTarget.value = "";
                    if (f) edit(f);
                  }}
                >
                  <option value="">+ Add filter…</option>
                  {addable.map((f) => <option key={f} value={f}>{FILTER_WORDS[f][0]}</option>)}
                </select>
              </li>
            )}
          </ul>
          {editing && (
            <div class="explore-values sched-values">
              {p.vocabulary.state === "ready"
                ? (
                  <ValuesPicker
                    key={editing}
                    filter={editing}
                    options={p.vocabulary.value[LIST_FILTERS[editing]]}
                    selected={valuesOf(current[editing])}
                    single={SINGLE_VALUE_FILTERS.has(editing)}
                    onApply={(values) => setFilter(editing, values)}
                  />
                )
                : (
                  <PickerStatus
                    loading={p.vocabulary.state === "loading"}
                    failure={p.vocabulary.state === "failed" ? p.vocabulary.message : null}
                  />
                )}
            </div>
          )}
        </fieldset>
      )}

      {entry && entry.group_by.length > 0 && (
        <div class="sched-field">
          <label class="sched-label" for="sched-group">Group by</label>
          <select
            id="sched-group"
            class="sched-input"
            name="group_by"
            value={typeof current.group_by === "string" ? current.group_by : ""}
            onChange={(e) =>
              set({
                params: applyChange(v.params, { kind: "group_by", value: e.currentTarget.value }),
              })}
          >
            {!entry.required.includes("group_by") && <option value="">No grouping</option>}
            {entry.group_by.map((d) => <option key={d} value={d}>{d}</option>)}
          </select>
        </div>
      )}

      <fieldset class="sched-fieldset">
        <legend class="sched-label">Format</legend>
        <div class="sched-segmented">
          {([["xlsx", "Excel"], ["pdf", "PDF"], ["both", "Both"]] as const).map(([f, label]) => (
            <label key={f} class={`sched-seg${v.format === f ? " is-on" : ""}`}>
              <input
                type="radio"
                name="format"
                value={f}
                checked={v.format === f}
                onChange={() => set({ format: f })}
              />
              <span>{label}</span>
            </label>
          ))}
        </div>
      </fieldset>

      <fieldset class="sched-fieldset">
        <legend class="sched-label">Repeats</legend>
        <div class="sched-segmented">
          {([["daily", "Daily"], ["weekly", "Weekly"], ["monthly", "Monthly"]] as const).map((
            [k, label],
          ) => (
            <label key={k} class={`sched-seg${v.kind === k ? " is-on" : ""}`}>
              <input
                type="radio"
                name="repeats"
                value={k}
                checked={v.kind === k}
                onChange={() => set({ kind: k })}
              />
              <span>{label}</span>
            </label>
          ))}
        </div>
        {v.kind === "weekly" && (
          <div class="sched-weekdays" role="group" aria-label="On these days">
            {WEEKDAY_NAMES.map((name, i) => {
              const d = i + 1;
              const on = v.weekdays.includes(d);
              return (
                <label key={d} class={`sched-day${on ? " is-on" : ""}`} title={name}>
                  <input
                    type="checkbox"
                    name="weekday"
                    value={String(d)}
                    checked={on}
                    aria-label={name}
                    onChange={() =>
                      set({
                        weekdays: on
                          ? v.weekdays.filter((x) => x !== d)
                          : [...v.weekdays, d].sort((a, b) => a - b),
                      })}
                  />
                  <span aria-hidden="true">{name.slice(0, 3)}</span>
                </label>
              );
            })}
          </div>
        )}
        {v.kind === "monthly" && (
          <div class="sched-inline">
            <label for="sched-day">On day</label>
            <input
              id="sched-day"
              class="sched-input sched-day-input"
              aria-describedby="sched-day-hint"
              type="number"
              name="day"
              inputMode="numeric"
              min={1}
              max={31}
              value={v.day}
              onInput={(e) => set({ day: e.currentTarget.value })}
            />
            <span class="sched-hint" id="sched-day-hint">
              of each month (the last day in shorter months)
            </span>
          </div>
        )}
        <div class="sched-inline">
          <label for="sched-time">At</label>
          <input
            id="sched-time"
            class="sched-input sched-time"
            aria-describedby="sched-time-hint"
            type="time"
            name="time"
            required
            value={v.time}
            onInput={(e) => set({ time: e.currentTarget.value })}
          />
          <span class="sched-hint" id="sched-time-hint">{p.timeZone} time</span>
        </div>
      </fieldset>

      <div class="sched-field">
        <label class="sched-label" for="sched-recipients">Recipients</label>
        <input
          id="sched-recipients"
          class="sched-input"
          aria-describedby="sched-recipients-hint"
          type="text"
          name="recipients"
          inputMode="email"
          autocomplete="off"
          placeholder="sup@example.com, lead@example.com"
          value={v.recipients}
          onInput={(e) => set({ recipients: e.currentTarget.value })}
        />
        <span class="sched-hint" id="sched-recipients-hint">
          Comma-separated. Leave empty to get it in your inbox here.
        </span>
      </div>

      <div class="sched-field">
        <label class="sched-label" for="sched-title">
          Name <span class="sched-optional">(optional)</span>
        </label>
        <input
          id="sched-title"
          class="sched-input"
          type="text"
          name="title"
          maxLength={200}
          placeholder={entry?.title ?? ""}
          value={v.title}
          onInput={(e) => set({ title: e.currentTarget.value })}
        />
      </div>

      {p.error && (
        <p class="sched-error" id="sched-form-error" role="alert">
          {p.error}
        </p>
      )}
      <div class="sched-form-actions">
        <button type="submit" class="button button-primary" disabled={p.saving}>
          {p.saving ? "Saving…" : "Create schedule"}
        </button>
      </div>
    </form>
  );
}

function capitalize(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}
