/**
 * The small pickers that change a reading: a popover anchored to its chip (a bottom sheet
 * on phones) holding period presets and a date range, a multi-select with search over
 * the values from the data, the grouping, or the number of rows. Each calls back with
 * the new value; the caller turns it into a report change. Text is rendered by Preact
 * (escaped); positions are set through the CSSOM (allowed by the CSP).
 */
import type { ComponentChildren, JSX, RefObject } from "preact";
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import {
  dateRangePeriod,
  type ListFilter,
  type PeriodPreset,
  readDateRange,
} from "../lib/agent/pickers.ts";
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
