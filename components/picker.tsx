/**
 * The small pickers that change a reading: a popover anchored to its chip (a bottom sheet
 * on phones) holding the report (another catalog entry), period presets and a date
 * range, a multi-select with search over the values from the data, a duration range, a
 * time of day, a customer, the grouping, or the number of rows. Each calls back with the new value; the
 * caller turns it into a report change. Text is rendered by Preact (escaped); positions
 * are set through the CSSOM (allowed by the CSP).
 */
import type { ComponentChildren, JSX, RefObject } from "preact";
import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import {
  type CatalogEntryInfo,
  customerProblem,
  dateRangePeriod,
  durationFromInputs,
  type DurationInputs,
  durationInputs,
  type DurationMode,
  entryBlurb,
  type ListFilter,
  MAX_CUSTOMER_LENGTH,
  type PeriodPreset,
  readDateRange,
  switchEntry,
  timeOfDayFromInputs,
  type TimeOfDayInputs,
  timeOfDayInputs,
} from "../lib/agent/pickers.ts";
import type { DurationRange, TimeOfDay } from "../lib/reports/types.ts";
import { IconCheck, IconX } from "./icons.tsx";

/** Names of the list filters, one and many ("agent", "agents"). */
export const FILTER_WORDS: Record<ListFilter, [string, string]> = {
  agent: ["agent", "agents"],
  queue: ["queue", "queues"],
  direction: ["direction", "directions"],
  status: ["status", "statuses"],
  city: ["city", "cities"],
  segment: ["segment", "segments"],
  disposition: ["disposition", "dispositions"],
};

/** Widths at or under this use a bottom sheet instead of an anchored popover. */
export const SHEET_QUERY = "(max-width: 768px)";

const FOCUSABLE =
  'button:not([disabled]), input:not([disabled]), select:not([disabled]), [tabindex="0"]';

/**
 * Places a fixed popover next to its anchor: below it when there is room, else above,
 * kept inside the window. On narrow screens the stylesheet makes it a bottom sheet and
 * the inline position is cleared.
 */
export function placePopover(el: HTMLElement, anchor: HTMLElement | null): void {
  if (!anchor || matchMedia(SHEET_QUERY).matches) {
    el.style.top = "";
    el.style.left = "";
    return;
  }
  const gap = 6;
  const margin = 8;
  const r = anchor.getBoundingClientRect();
  const w = el.offsetWidth;
  const h = el.offsetHeight;
  const left = Math.max(margin, Math.min(r.left, innerWidth - w - margin));
  let top: number;
  if (r.bottom + gap + h <= innerHeight - margin) top = r.bottom + gap;
  else if (r.top - gap - h >= margin) top = r.top - gap - h;
  else top = Math.max(margin, innerHeight - h - margin);
  el.style.left = `${Math.round(left)}px`;
  el.style.top = `${Math.round(top)}px`;
}

/** Props of {@link Popover}. */
export interface PopoverProps {
  id: string;
  /** The dialog's name, shown as its heading. */
  label: string;
  /** The element it opens from (focus returns there). */
  anchor: RefObject<HTMLElement | null>;
  /** Closes it; `returnFocus` when closed from the keyboard or its buttons. */
  onClose: (returnFocus: boolean) => void;
  /** A wider panel (Explore). */
  wide?: boolean;
  children: ComponentChildren;
}

/**
 * A non-modal dialog next to its anchor: focus moves into it, Esc or a click elsewhere
 * closes it, Tab stays inside. On phones it is a bottom sheet over a dimmed page.
 */
export function Popover(p: PopoverProps): JSX.Element {
  const ref = useRef<HTMLDivElement>(null);
  const close = useRef(p.onClose);
  close.current = p.onClose;

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const place = () => placePopover(el, p.anchor.current);
    place();
    const observer = new ResizeObserver(place);
    observer.observe(el);
    addEventListener("resize", place);
    addEventListener("scroll", place, true);
    return () => {
      observer.disconnect();
      removeEventListener("resize", place);
      removeEventListener("scroll", place, true);
    };
  }, []);

  // Focus moves in before the first paint; a click elsewhere closes.
  useLayoutEffect(() => {
    const el = ref.current;
    const body = el?.querySelector<HTMLElement>(".picker-body");
    const first = body?.querySelector<HTMLElement>("[data-autofocus]") ??
      body?.querySelector<HTMLElement>(FOCUSABLE);
    first?.focus();
    const onDown = (e: Event) => {
      const t = e.target as Node | null;
      if (!t || el?.contains(t) || p.anchor.current?.contains(t)) return;
      close.current(false);
    };
    document.addEventListener("pointerdown", onDown, true);
    return () => document.removeEventListener("pointerdown", onDown, true);
  }, []);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      p.onClose(true);
      return;
    }
    if (e.key !== "Tab") return;
    const items = [...(ref.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])];
    if (!items.length) return;
    const first = items[0];
    const last = items[items.length - 1];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return (
    <>
      <div class="picker-backdrop" aria-hidden="true" />
      <div
        ref={ref}
        id={p.id}
        class={`picker${p.wide ? " picker-wide" : ""}`}
        role="dialog"
        aria-label={p.label}
        onKeyDown={onKeyDown}
      >
        <div class="picker-head">
          <span class="picker-title">{p.label}</span>
          <button
            type="button"
            class="icon-button picker-close"
            aria-label="Close"
            onClick={() => p.onClose(true)}
          >
            <IconX />
          </button>
        </div>
        <div class="picker-body">{p.children}</div>
      </div>
    </>
  );
}

/** Props of {@link PeriodPicker}. */
export interface PeriodPickerProps {
  /** The period as the report has it ("last week", "from 2026-11-01 to 2026-11-07"). */
  current?: string;
  presets: readonly PeriodPreset[];
  /** A preset or a range was chosen ("" = all data); `label` is how to say it. */
  onApply: (period: string, label: string) => void;
  /** Apply buttons are disabled (a turn is running). */
  disabled?: boolean;
  /** The range button's text (default "Apply range"). */
  rangeLabel?: string;
}

/** Period presets (one click) and a from–to date range. */
export function PeriodPicker(p: PeriodPickerProps): JSX.Element {
  const range = readDateRange(p.current);
  const [from, setFrom] = useState(range?.from ?? "");
  const [to, setTo] = useState(range?.to ?? "");
  const [problem, setProblem] = useState<string | null>(null);
  const current = (p.current ?? "").trim().toLowerCase();
  const applyRange = (e: Event) => {
    e.preventDefault();
    const period = dateRangePeriod(from, to);
    if (!period) {
      setProblem(
        from && to && from > to ? "The start date is after the end date." : "Choose both dates.",
      );
      return;
    }
    setProblem(null);
    p.onApply(period, from === to ? from : `${from} to ${to}`);
  };
  return (
    <div class="period-picker">
      <div class="picker-presets" role="group" aria-label="Periods">
        {p.presets.map((preset) => {
          const on = preset.value === current;
          return (
            <button
              key={preset.value}
              type="button"
              class={`picker-preset${on ? " is-on" : ""}`}
              aria-pressed={on ? "true" : "false"}
              disabled={p.disabled}
              onClick={() => p.onApply(preset.value, preset.label.toLowerCase())}
            >
              {preset.label}
            </button>
          );
        })}
      </div>
      <form class="picker-range" onSubmit={applyRange}>
        <span class="picker-range-title">Date range</span>
        <label class="picker-field">
          <span>From</span>
          <input
            type="date"
            value={from}
            max={to || undefined}
            onInput={(e) => setFrom(e.currentTarget.value)}
          />
        </label>
        <label class="picker-field">
          <span>To</span>
          <input
            type="date"
            value={to}
            min={from || undefined}
            onInput={(e) => setTo(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="button button-secondary picker-apply" disabled={p.disabled}>
          {p.rangeLabel ?? "Apply range"}
        </button>
        {problem && <p class="picker-problem" role="alert">{problem}</p>}
      </form>
    </div>
  );
}

/** Props of {@link ValuesPicker}. */
export interface ValuesPickerProps {
  filter: ListFilter;
  /** The values to choose from (from the data). */
  options: readonly string[];
  /** The values chosen now. */
  selected: readonly string[];
  /** One value at most (direction): a click applies it. */
  single?: boolean;
  /** The chosen values; none = any (the filter is removed). */
  onApply: (values: string[]) => void;
  disabled?: boolean;
}

/** Most options listed at once; the search narrows the rest. */
export const MAX_OPTIONS_SHOWN = 200;

/** A multi-select with a search box over a filter's values, and "any" to remove it. */
export function ValuesPicker(p: ValuesPickerProps): JSX.Element {
  const [one, many] = FILTER_WORDS[p.filter];
  const [query, setQuery] = useState("");
  const [chosen, setChosen] = useState<string[]>(() => [...p.selected]);
  const isChosen = (v: string) => chosen.some((c) => c.toLowerCase() === v.toLowerCase());
  // The values chosen when it opened come first; the order stays put while choosing.
  const all = useMemo(() => {
    const out: string[] = [];
    const seen = new Set<string>();
    for (const v of [...p.selected, ...p.options]) {
      const k = v.toLowerCase();
      if (!seen.has(k)) {
        seen.add(k);
        out.push(v);
      }
    }
    return out;
  }, [p.options, p.selected]);
  const q = query.trim().toLowerCase();
  const matching = q ? all.filter((v) => v.toLowerCase().includes(q)) : all;
  const shown = matching.slice(0, MAX_OPTIONS_SHOWN);
  const toggle = (v: string) =>
    setChosen((c) =>
      isChosen(v) ? c.filter((x) => x.toLowerCase() !== v.toLowerCase()) : [...c, v]
    );
  const searchId = `search-${p.filter}`;
  const root = useRef<HTMLDivElement>(null);
  // Shown after its values loaded: take the focus (the search box, else the first value).
  useEffect(() => {
    root.current?.querySelector<HTMLElement>("input, button")?.focus();
  }, []);
  return (
    <div class="values-picker" ref={root}>
      {all.length > 6 && (
        <>
          <label class="visually-hidden" for={searchId}>Search {many}</label>
          <input
            id={searchId}
            type="search"
            class="picker-search"
            placeholder={`Search ${many}…`}
            autocomplete="off"
            value={query}
            data-autofocus
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
        </>
      )}
      <div
        class="picker-options"
        role="group"
        aria-label={`${many[0].toUpperCase()}${many.slice(1)}`}
      >
        {shown.map((v) =>
          p.single
            ? (
              <button
                key={v}
                type="button"
                class={`picker-option picker-choice${isChosen(v) ? " is-on" : ""}`}
                aria-pressed={isChosen(v) ? "true" : "false"}
                disabled={p.disabled}
                onClick={() => p.onApply([v])}
              >
                <span class="picker-option-text">{v}</span>
                {isChosen(v) && <IconCheck />}
              </button>
            )
            : (
              <label key={v} class={`picker-option${isChosen(v) ? " is-on" : ""}`}>
                <input type="checkbox" checked={isChosen(v)} onChange={() => toggle(v)} />
                <span class="picker-option-text">{v}</span>
              </label>
            )
        )}
        {matching.length === 0 && <p class="picker-empty">No {one} matches “{query.trim()}”.</p>}
        {matching.length > shown.length && (
          <p class="picker-empty">
            {matching.length - shown.length} more: type to narrow the list.
          </p>
        )}
      </div>
      <div class="picker-actions">
        <button
          type="button"
          class="button button-ghost"
          disabled={p.disabled}
          onClick={() => p.onApply([])}
        >
          Any {one}
        </button>
        {!p.single && (
          <button
            type="button"
            class="button button-primary"
            disabled={p.disabled || chosen.length === 0}
            onClick={() => p.onApply(chosen)}
          >
            {chosen.length > 1 ? `Apply ${chosen.length} ${many}` : "Apply"}
          </button>
        )}
      </div>
    </div>
  );
}

/** Props of {@link GroupPicker}. */
export interface GroupPickerProps {
  /** The groupings the report offers. */
  options: readonly string[];
  current: string | null;
  /** The report needs a grouping ("none" is not offered). */
  required?: boolean;
  onApply: (value: string | null) => void;
  disabled?: boolean;
}

/** The grouping: one of the report's dimensions, or none. */
export function GroupPicker(p: GroupPickerProps): JSX.Element {
  const choices = p.required ? [...p.options] : ["none", ...p.options];
  return (
    <div class="picker-presets" role="group" aria-label="Group by">
      {choices.map((d) => {
        const on = d === (p.current ?? "none");
        return (
          <button
            key={d}
            type="button"
            class={`picker-preset${on ? " is-on" : ""}`}
            aria-pressed={on ? "true" : "false"}
            disabled={p.disabled}
            onClick={() => p.onApply(d === "none" ? null : d)}
          >
            {d === "none" ? "No grouping" : `By ${d}`}
          </button>
        );
      })}
    </div>
  );
}

/** Props of {@link LimitPicker}. */
export interface LimitPickerProps {
  current: number | null;
  onApply: (value: number | null) => void;
  disabled?: boolean;
  /** The largest number accepted. */
  max?: number;
}

/** How many rows a ranking keeps: a few common numbers, any number, or all. */
export function LimitPicker(p: LimitPickerProps): JSX.Element {
  const max = p.max ?? 1000;
  const [value, setValue] = useState(p.current ? String(p.current) : "");
  const n = Number(value);
  const valid = Number.isInteger(n) && n >= 1 && n <= max;
  return (
    <div class="limit-picker">
      <div class="picker-presets" role="group" aria-label="Rows">
        {[3, 5, 10, 20].map((k) => (
          <button
            key={k}
            type="button"
            class={`picker-preset${p.current === k ? " is-on" : ""}`}
            aria-pressed={p.current === k ? "true" : "false"}
            disabled={p.disabled}
            onClick={() => p.onApply(k)}
          >
            Top {k}
          </button>
        ))}
        <button
          type="button"
          class={`picker-preset${p.current === null ? " is-on" : ""}`}
          aria-pressed={p.current === null ? "true" : "false"}
          disabled={p.disabled}
          onClick={() => p.onApply(null)}
        >
          All rows
        </button>
      </div>
      <form
        class="picker-range"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) p.onApply(n);
        }}
      >
        <label class="picker-field">
          <span>Top</span>
          <input
            type="number"
            inputMode="numeric"
            min={1}
            max={max}
            step={1}
            value={value}
            onInput={(e) => setValue(e.currentTarget.value)}
          />
        </label>
        <button
          type="submit"
          class="button button-secondary picker-apply"
          disabled={p.disabled || !valid}
        >
          Apply
        </button>
      </form>
    </div>
  );
}

/** Focuses the first `[data-autofocus]` (else the first control) inside `root` when shown. */
function useFocusFirst(root: RefObject<HTMLElement | null>, key: unknown = null): void {
  useEffect(() => {
    const el = root.current;
    if (!el || el.contains(document.activeElement)) return;
    (el.querySelector<HTMLElement>("[data-autofocus]") ??
      el.querySelector<HTMLElement>("input, select, button:not([disabled])"))?.focus();
  }, [key]);
}

/** Props of {@link MetricPicker}. */
export interface MetricPickerProps {
  /** The catalog entries (`GET /api/reports/catalog`). */
  entries: readonly CatalogEntryInfo[];
  /** The entry the answer ran. */
  current: string;
  /** The parameters it ran with. */
  params: Record<string, unknown>;
  /** Another entry was chosen: run it with `params` (those it takes). */
  onApply: (entry: CatalogEntryInfo, params: Record<string, unknown>) => void;
  /** The current entry was chosen again: nothing to change. */
  onKeep?: () => void;
  disabled?: boolean;
}

/**
 * Another report over the same question: the catalog entries with their titles and a
 * short description. An entry that cannot take everything the answer has says what it
 * leaves out; choosing it shows that again, with Apply, before it runs.
 */
export function MetricPicker(p: MetricPickerProps): JSX.Element {
  const [pending, setPending] = useState<string | null>(null);
  const root = useRef<HTMLDivElement>(null);
  useFocusFirst(root, pending);
  const chosen = pending ? p.entries.find((e) => e.name === pending) : undefined;
  if (chosen) {
    const change = switchEntry(chosen, p.params);
    return (
      <div class="metric-confirm" ref={root}>
        <p class="metric-confirm-title">
          Switch to <strong>{chosen.title}</strong>
        </p>
        {change.dropped.length > 0 && (
          <>
            <p class="picker-note">
              {chosen.title} does not take {change.dropped.length > 1 ? "these" : "this"}, so{" "}
              {change.dropped.length > 1 ? "they are" : "it is"} left out:
            </p>
            <ul class="metric-dropped" aria-label="Left out">
              {change.dropped.map((d) => <li key={d}>{d}</li>)}
            </ul>
          </>
        )}
        {change.added.length > 0 && (
          <p class="picker-note">
            It needs a grouping: {change.added.join(", ")} is added (change it after).
          </p>
        )}
        <div class="picker-actions">
          <button
            type="button"
            class="button button-ghost"
            onClick={() => setPending(null)}
          >
            ‹ Back
          </button>
          <button
            type="button"
            class="button button-primary"
            data-autofocus
            disabled={p.disabled}
            onClick={() => p.onApply(chosen, change.params)}
          >
            {change.dropped.length > 1
              ? "Apply without them"
              : change.dropped.length
              ? "Apply without it"
              : "Apply"}
          </button>
        </div>
      </div>
    );
  }
  return (
    <div class="metric-picker picker-list" role="group" aria-label="Reports" ref={root}>
      {p.entries.map((e) => {
        const on = e.name === p.current;
        const change = on ? null : switchEntry(e, p.params);
        return (
          <button
            key={e.name}
            type="button"
            class={`metric-entry${on ? " is-on" : ""}`}
            aria-current={on ? "true" : undefined}
            data-autofocus={on ? true : undefined}
            disabled={p.disabled && !on}
            onClick={() => {
              if (!change) p.onKeep?.();
              else if (change.dropped.length || change.added.length) setPending(e.name);
              else p.onApply(e, change.params);
            }}
          >
            <span class="metric-entry-title">
              <span>{e.title}</span>
              {on && <IconCheck />}
            </span>
            <span class="metric-entry-desc">{entryBlurb(e)}</span>
            {change && change.dropped.length > 0 && (
              <span class="metric-entry-drops">Leaves out {change.dropped.join(", ")}</span>
            )}
          </button>
        );
      })}
    </div>
  );
}

/** Props of {@link DurationPicker}. */
export interface DurationPickerProps {
  /** The report's `duration` (`{gt, gte, lt, lte}` in seconds), if any. */
  current?: unknown;
  /** The range chosen, or null for any duration (the filter is removed). */
  onApply: (range: DurationRange | null) => void;
  disabled?: boolean;
}

const DURATION_MODES: [DurationMode, string][] = [
  ["longer", "Longer than"],
  ["shorter", "Shorter than"],
  ["between", "Between"],
];

/** A call duration range: longer than, shorter than or between, in minutes or seconds. */
export function DurationPicker(p: DurationPickerProps): JSX.Element {
  const id = useId();
  const [inputs, setInputs] = useState<DurationInputs>(() => durationInputs(p.current));
  const [problem, setProblem] = useState<string | null>(null);
  const root = useRef<HTMLFormElement>(null);
  useFocusFirst(root);
  const set = (patch: Partial<DurationInputs>) => {
    setInputs({ ...inputs, ...patch });
    setProblem(null);
  };
  const submit = (e: Event) => {
    e.preventDefault();
    const out = durationFromInputs(inputs);
    if ("problem" in out) setProblem(out.problem);
    else p.onApply(out.range);
  };
  const between = inputs.mode === "between";
  const problemId = `${id}-problem`;
  const numberField = (key: "a" | "b", label: string) => (
    <label class="picker-field">
      <span>{label}</span>
      <input
        type="number"
        inputMode="decimal"
        min={0}
        step="any"
        value={inputs[key]}
        data-autofocus={key === "a" ? true : undefined}
        aria-invalid={problem ? "true" : undefined}
        aria-describedby={problem ? problemId : undefined}
        onInput={(e) => set({ [key]: e.currentTarget.value })}
      />
    </label>
  );
  return (
    <form class="duration-picker" ref={root} onSubmit={submit} noValidate>
      <div class="picker-segments" role="radiogroup" aria-label="Calls">
        {DURATION_MODES.map(([mode, label]) => (
          <label key={mode} class={`picker-segment${inputs.mode === mode ? " is-on" : ""}`}>
            <input
              type="radio"
              name={`${id}-mode`}
              value={mode}
              checked={inputs.mode === mode}
              onChange={() =>
                set({ mode })}
            />
            <span>{label}</span>
          </label>
        ))}
      </div>
      <div class={`duration-fields${between ? " is-between" : ""}`}>
        {numberField(
          "a",
          between ? "From" : inputs.mode === "longer" ? "Longer than" : "Shorter than",
        )}
        {between && numberField("b", "To")}
        <label class="picker-field">
          <span>Unit</span>
          <select
            class="picker-select"
            value={inputs.unit}
            onChange={(e) => set({ unit: e.currentTarget.value === "s" ? "s" : "min" })}
          >
            <option value="min">minutes</option>
            <option value="s">seconds</option>
          </select>
        </label>
      </div>
      <FormActions
        problem={problem}
        problemId={problemId}
        disabled={p.disabled}
        clear={p.current !== undefined && p.current !== null
          ? { label: "Any duration", onClick: () => p.onApply(null) }
          : undefined}
      />
    </form>
  );
}

/** Props of {@link TimeOfDayPicker}. */
export interface TimeOfDayPickerProps {
  /** The report's `time_of_day` (`{from, to}`, "HH:MM"), if any. */
  current?: unknown;
  /** The window chosen, or null for any time (the filter is removed). */
  onApply: (window: TimeOfDay | null) => void;
  disabled?: boolean;
}

/** What the fields ask for, in words, under them. */
function timeOfDayHint(inputs: TimeOfDayInputs): string {
  const out = timeOfDayFromInputs(inputs);
  if ("window" in out) {
    const { from, to } = out.window;
    if (to === "24:00") return `Calls starting from ${from} until midnight, each day.`;
    if (from > to) return `Overnight: calls starting from ${from} to ${to} the next day.`;
  }
  return "Calls starting in this window, each day. A To of midnight runs to the end of the day.";
}

/**
 * A local clock window on each day of the period: From and To times. An end of 00:00 is
 * midnight (sent as "24:00"); a start after the end runs past midnight.
 */
export function TimeOfDayPicker(p: TimeOfDayPickerProps): JSX.Element {
  const id = useId();
  const [inputs, setInputs] = useState<TimeOfDayInputs>(() => timeOfDayInputs(p.current));
  const [problem, setProblem] = useState<string | null>(null);
  const root = useRef<HTMLFormElement>(null);
  useFocusFirst(root);
  const set = (patch: Partial<TimeOfDayInputs>) => {
    setInputs({ ...inputs, ...patch });
    setProblem(null);
  };
  const submit = (e: Event) => {
    e.preventDefault();
    const out = timeOfDayFromInputs(inputs);
    if ("problem" in out) setProblem(out.problem);
    else p.onApply(out.window);
  };
  const hintId = `${id}-hint`;
  const problemId = `${id}-problem`;
  const timeField = (key: "from" | "to", label: string) => (
    <label class="picker-field">
      <span>{label}</span>
      <input
        type="time"
        step={60}
        value={inputs[key]}
        data-autofocus={key === "from" ? true : undefined}
        aria-invalid={problem ? "true" : undefined}
        aria-describedby={problem ? `${problemId} ${hintId}` : hintId}
        onInput={(e) => set({ [key]: e.currentTarget.value })}
      />
    </label>
  );
  return (
    <form class="time-of-day-picker" ref={root} onSubmit={submit} noValidate>
      <div class="explore-row time-of-day-fields">
        {timeField("from", "From")}
        {timeField("to", "To")}
      </div>
      <p class="picker-hint" id={hintId}>{timeOfDayHint(inputs)}</p>
      <FormActions
        problem={problem}
        problemId={problemId}
        disabled={p.disabled}
        clear={p.current !== undefined && p.current !== null
          ? { label: "Any time", onClick: () => p.onApply(null) }
          : undefined}
      />
    </form>
  );
}

/** Props of {@link CustomerPicker}. */
export interface CustomerPickerProps {
  /** The customer the report has ("" = none). */
  current?: string;
  /** The name or number typed, or "" for any customer (the filter is removed). */
  onApply: (value: string) => void;
  disabled?: boolean;
}

/** A customer by name (as in the address book) or phone number, typed. */
export function CustomerPicker(p: CustomerPickerProps): JSX.Element {
  const id = useId();
  const [value, setValue] = useState(p.current ?? "");
  const [problem, setProblem] = useState<string | null>(null);
  const root = useRef<HTMLFormElement>(null);
  useFocusFirst(root);
  const submit = (e: Event) => {
    e.preventDefault();
    const why = customerProblem(value);
    if (why) setProblem(why);
    else p.onApply(value.trim());
  };
  const hintId = `${id}-hint`;
  const problemId = `${id}-problem`;
  return (
    <form class="customer-picker" ref={root} onSubmit={submit} noValidate>
      <label class="picker-field">
        <span>Name or phone number</span>
        <input
          type="text"
          value={value}
          maxLength={MAX_CUSTOMER_LENGTH}
          autocomplete="off"
          spellcheck={false}
          placeholder="e.g. +919812345678"
          data-autofocus
          aria-invalid={problem ? "true" : undefined}
          aria-describedby={problem ? `${problemId} ${hintId}` : hintId}
          onInput={(e) => {
            setValue(e.currentTarget.value);
            setProblem(null);
          }}
        />
      </label>
      <p class="picker-hint" id={hintId}>
        A name as in the address book, or a phone number.
      </p>
      <FormActions
        problem={problem}
        problemId={problemId}
        disabled={p.disabled}
        clear={p.current ? { label: "Any customer", onClick: () => p.onApply("") } : undefined}
      />
    </form>
  );
}

/**
 * The end of a picker's form: its problem (an alert the fields point to), the button that
 * removes the filter when the report has one, and Apply (the form's submit).
 */
function FormActions(p: {
  problem: string | null;
  problemId: string;
  disabled?: boolean;
  clear?: { label: string; onClick: () => void };
}): JSX.Element {
  return (
    <>
      {p.problem && <p class="picker-problem" id={p.problemId} role="alert">{p.problem}</p>}
      <div class="picker-actions">
        {p.clear && (
          <button
            type="button"
            class="button button-ghost"
            disabled={p.disabled}
            onClick={p.clear.onClick}
          >
            {p.clear.label}
          </button>
        )}
        <button type="submit" class="button button-primary" disabled={p.disabled}>
          Apply
        </button>
      </div>
    </>
  );
}

/** A loading line or a failure, inside a picker. */
export function PickerStatus(
  { loading, failure }: { loading?: boolean; failure?: string | null },
): JSX.Element | null {
  if (failure) return <p class="picker-problem" role="alert">Cannot load the choices: {failure}</p>;
  if (loading) {
    return (
      <p class="picker-loading" role="status">
        <span class="spinner" aria-hidden="true" /> Loading…
      </p>
    );
  }
  return null;
}
