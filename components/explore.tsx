/**
 * "Explore": build a report without typing. A button by the question box opens a panel
 * with the same pickers as an answer's chips — the report (a catalog entry), the period,
 * filters from the data, grouping and number of rows — and Run, which runs it as a new
 * answer of the conversation with no model call.
 */
import type { JSX } from "preact";
import { useRef, useState } from "preact/hooks";
import {
  applyChange,
  type CatalogEntryInfo,
  entryBlurb,
  firstSentence,
  LIST_FILTER_NAMES,
  LIST_FILTERS,
  type ListFilter,
  PERIOD_PRESETS,
  readDateRange,
  SINGLE_VALUE_FILTERS,
  switchEntry,
  valuesOf,
} from "../lib/agent/pickers.ts";
import { IconSliders, IconX } from "./icons.tsx";
import { FILTER_WORDS, PeriodPicker, PickerStatus, Popover, ValuesPicker } from "./picker.tsx";
import { type PickerHost, useLoaded, usePickerHost } from "./picker_context.ts";

/** The report Explore starts from. */
export const EXPLORE_START = { name: "call_count", period: "last 7 days" };

/** The Explore button and, while open, its panel; nothing without a picker host. */
export function ExploreButton(): JSX.Element | null {
  const host = usePickerHost();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  if (!host) return null;
  const close = (returnFocus: boolean) => {
    setOpen(false);
    if (returnFocus) button.current?.focus();
  };
  return (
    <div class="explore">
      <button
        ref={button}
        type="button"
        class={`button button-ghost explore-button${open ? " is-open" : ""}`}
        aria-haspopup="dialog"
        aria-expanded={open ? "true" : "false"}
        aria-controls={open ? "explore-panel" : undefined}
        title="Build a report with pickers, without typing"
        onClick={() => setOpen(!open)}
      >
        <IconSliders />
        <span>Explore</span>
      </button>
      {open && (
        <Popover id="explore-panel" label="Explore a report" anchor={button} onClose={close} wide>
          <ExplorePanel
            host={host}
            onDone={() =>
              close(true)}
          />
        </Popover>
      )}
    </div>
  );
}

/** The parameters of `params` an entry takes, with a grouping when it needs one. */
export function paramsFor(
  entry: CatalogEntryInfo,
  params: Record<string, unknown>,
): Record<string, unknown> {
  return switchEntry(entry, params).params;
}

export { firstSentence };

function periodWords(period: unknown): string {
  if (typeof period !== "string" || !period) return "all data";
  const preset = PERIOD_PRESETS.find((p) => p.value === period);
  if (preset) return preset.label.toLowerCase();
  const range = readDateRange(period);
  if (range) return range.from === range.to ? range.from : `${range.from} to ${range.to}`;
  return period;
}

/** The panel: report, period, filters, grouping, rows, Run. */
function ExplorePanel({ host, onDone }: { host: PickerHost; onDone: () => void }): JSX.Element {
  const catalog = useLoaded(host.catalog);
  const vocabulary = useLoaded(host.vocabulary);
  const [name, setName] = useState(EXPLORE_START.name);
  const [params, setParams] = useState<Record<string, unknown>>({
    period: EXPLORE_START.period,
  });
  const [editing, setEditing] = useState<ListFilter | null>(null);
  const [adding, setAdding] = useState("");

  if (catalog.state !== "ready") {
    return (
      <PickerStatus
        loading={catalog.state === "loading"}
        failure={catalog.state === "failed" ? catalog.message : null}
      />
    );
  }
  const entries = catalog.value;
  const entry = entries.find((e) => e.name === name) ?? entries[0];
  const current = paramsFor(entry, params);
  const filters = LIST_FILTER_NAMES.filter((f) => entry.params.includes(f));
  const set = (next: Record<string, unknown>) => setParams(next);
  const run = () => {
    const words = [entry.title, periodWords(current.period)];
    host.run({ name: entry.name, params: current }, words.join(" · "));
    onDone();
  };
  const setFilter = (f: ListFilter, values: string[]) => {
    set(applyChange(params, { kind: "filter", name: f, values }));
    setEditing(null);
  };
  const chosen = filters.filter((f) => valuesOf(current[f]).length > 0);
  const addable = filters.filter((f) => !chosen.includes(f) && f !== editing);

  return (
    <div class="explore-panel">
      <label class="explore-field">
        <span class="explore-label">Report</span>
        <select
          class="explore-select"
          value={entry.name}
          data-autofocus
          onChange={(e) => {
            setName(e.currentTarget.value);
            setEditing(null);
          }}
        >
          {entries.map((e) => <option key={e.name} value={e.name}>{e.title}</option>)}
        </select>
        <span class="explore-desc">{entryBlurb(entry)}</span>
      </label>

      {entry.params.includes("period") && (
        <section class="explore-section" aria-label="Period">
          <h3 class="explore-label">
            Period <span class="explore-value">{periodWords(current.period)}</span>
          </h3>
          <PeriodPicker
            current={typeof current.period === "string" ? current.period : ""}
            presets={PERIOD_PRESETS}
            rangeLabel="Use range"
            onApply={(period) => set(applyChange(params, { kind: "period", period }))}
          />
        </section>
      )}

      {filters.length > 0 && (
        <section class="explore-section" aria-label="Filters">
          <h3 class="explore-label">Filters</h3>
          <ul class="reading explore-filters">
            {chosen.map((f) => (
              <li key={f} class="reading-item explore-filter">
                <button
                  type="button"
                  class={`reading-chip reading-filter is-editable${
                    editing === f ? " is-open" : ""
                  }`}
                  aria-expanded={editing === f ? "true" : "false"}
                  onClick={() => setEditing(editing === f ? null : f)}
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
                <label class="visually-hidden" for="explore-add">Add a filter</label>
                <select
                  id="explore-add"
                  class="explore-select explore-add"
                  value={adding}
                  onChange={(e) => {
                    const f = e.currentTarget.value as ListFilter;
                    setAdding("");
                    if (f) setEditing(f);
                  }}
                >
                  <option value="">+ Add filter…</option>
                  {addable.map((f) => <option key={f} value={f}>{FILTER_WORDS[f][0]}</option>)}
                </select>
              </li>
            )}
          </ul>
          {editing && (
            <div class="explore-values">
              {vocabulary.state === "ready"
                ? (
                  <ValuesPicker
                    key={editing}
                    filter={editing}
                    options={vocabulary.value[LIST_FILTERS[editing]]}
                    selected={valuesOf(current[editing])}
                    single={SINGLE_VALUE_FILTERS.has(editing)}
                    onApply={(values) => setFilter(editing, values)}
                  />
                )
                : (
                  <PickerStatus
                    loading={vocabulary.state === "loading"}
                    failure={vocabulary.state === "failed" ? vocabulary.message : null}
                  />
                )}
            </div>
          )}
        </section>
      )}

      {(entry.group_by.length > 0 || entry.params.includes("limit")) && (
        <div class="explore-row">
          {entry.group_by.length > 0 && (
            <label class="explore-field">
              <span class="explore-label">Group by</span>
              <select
                class="explore-select"
                value={typeof current.group_by === "string" ? current.group_by : ""}
                onChange={(e) =>
                  set(applyChange(params, { kind: "group_by", value: e.currentTarget.value }))}
              >
                {!entry.required.includes("group_by") && <option value="">No grouping</option>}
                {entry.group_by.map((d) => <option key={d} value={d}>{d}</option>)}
              </select>
            </label>
          )}
          {entry.params.includes("limit") && (
            <label class="explore-field">
              <span class="explore-label">Top N rows</span>
              <input
                class="explore-select"
                type="number"
                inputMode="numeric"
                min={1}
                max={1000}
                placeholder="All"
                value={typeof current.limit === "number" ? String(current.limit) : ""}
                onInput={(e) => {
                  const n = Number(e.currentTarget.value);
                  set(
                    applyChange(params, {
                      kind: "limit",
                      value: Number.isInteger(n) && n > 0 && n <= 1000 ? n : null,
                    }),
                  );
                }}
              />
            </label>
          )}
        </div>
      )}

      <div class="picker-actions explore-actions">
        {host.busy && <span class="picker-note">An answer is still running.</span>}
        <button type="button" class="button button-ghost" onClick={onDone}>Cancel</button>
        <button type="button" class="button button-primary" disabled={host.busy} onClick={run}>
          Run report
        </button>
      </div>
    </div>
  );
}
