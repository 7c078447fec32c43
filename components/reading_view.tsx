/**
 * How the assistant read a question, shown above its answer: a row of compact chips
 * ("Handled calls · last week 9–15 Nov · agent: suresh"), and a badge when it asked back
 * ("Needs a detail") or declined ("Can't do that"). Text only, escaped by Preact.
 *
 * When the reading carries the report it ran and the chat page can run reports, the
 * metric (another catalog report), period, filter (list values, duration, time of day,
 * customer),
 * grouping and row-count chips are buttons that open a small picker (plus an "add filter"
 * chip); applying a change runs the changed report as a new answer, with no model call.
 */
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { Interpretation, Outcome, PeriodReading } from "../lib/agent/events.ts";
import { type Chip, interpretationChips } from "../lib/agent/interpretation.ts";
import { timeOfDayLabel } from "../lib/reports/clock.ts";
import {
  addableExtras,
  addableFilters,
  applyChange,
  type CatalogEntryInfo,
  type ChipTarget,
  durationText,
  type ExtraFilter,
  isListFilter,
  LIST_FILTERS,
  type ListFilter,
  PERIOD_PRESETS,
  readingReport,
  type ReportCall,
  type ReportChange,
  SINGLE_VALUE_FILTERS,
  valuesOf,
} from "../lib/agent/pickers.ts";
import { formatInstantRange, formatUtcInstant } from "./format.ts";
import { IconBan, IconChevron, IconHelp, IconPlus } from "./icons.tsx";
import {
  CustomerPicker,
  DurationPicker,
  FILTER_WORDS,
  GroupPicker,
  LimitPicker,
  MetricPicker,
  PeriodPicker,
  PickerStatus,
  Popover,
  TimeOfDayPicker,
  ValuesPicker,
} from "./picker.tsx";
import { type PickerHost, useLoaded, usePickerHost } from "./picker_context.ts";

/** The tooltip of a period chip: the exact instants, in the browser's zone and in UTC. */
export function periodTitle(p: PeriodReading, timeZone?: string): string {
  return `${formatInstantRange(p.start, p.end, timeZone)}, end not included\n` +
    `${formatUtcInstant(p.start)} – ${formatUtcInstant(p.end)}`;
}

function chipPeriod(chip: Chip, i: Interpretation): PeriodReading | null {
  if (chip.kind === "period") return i.period;
  if (chip.kind === "compare") return i.compare_period ?? null;
  return null;
}

/** What a chip's picker changes. */
type Target = ChipTarget;

/** A chip as shown: its text, kind (for the style) and what it edits (null: text only). */
interface ChipItem {
  key: string;
  kind: Chip["kind"] | "limit" | "add";
  text: string;
  period: PeriodReading | null;
  target: Target | null;
}

function chipItems(
  i: Interpretation,
  outcome: Outcome,
  report: ReportCall | null,
): ChipItem[] {
  const items: ChipItem[] = interpretationChips(i, outcome).map((chip, n) => {
    let target: Target | null = null;
    if (report && !i.compare_period) {
      if (chip.kind === "metric") target = { kind: "metric" };
      if (chip.kind === "period") target = { kind: "period" };
      if (chip.kind === "filter" && chip.name && isListFilter(chip.name)) {
        target = { kind: "filter", name: chip.name };
      }
      if (chip.kind === "filter" && chip.name === "duration") target = { kind: "duration" };
      if (chip.kind === "filter" && chip.name === "time_of_day") target = { kind: "time_of_day" };
      if (chip.kind === "filter" && chip.name === "customer") target = { kind: "customer" };
      if (chip.kind === "group") target = { kind: "group" };
    }
    return {
      key: `${chip.kind}-${chip.name ?? n}`,
      kind: chip.kind,
      text: chip.text,
      period: chipPeriod(chip, i),
      target,
    };
  });
  const limit = report?.params.limit;
  if (report && typeof limit === "number") {
    const at = items.findIndex((c) => c.kind === "unplaced");
    const chip: ChipItem = {
      key: "limit",
      kind: "limit",
      text: `top ${limit}`,
      period: null,
      target: i.compare_period ? null : { kind: "limit" },
    };
    items.splice(at < 0 ? items.length : at, 0, chip);
  }
  if (report && !i.compare_period) {
    items.push({
      key: "add",
      kind: "add",
      text: "Add filter",
      period: null,
      target: { kind: "add" },
    });
  }
  return items;
}

/** The chips of a reading, as a labelled list (buttons with pickers where it can change). */
export function ReadingChips(
  { interpretation, outcome = "answered", timeZone }: {
    interpretation: Interpretation;
    outcome?: Outcome;
    timeZone?: string;
  },
): JSX.Element {
  const host = usePickerHost();
  const report = host && outcome !== "refused" ? readingReport(interpretation) : null;
  const items = chipItems(interpretation, outcome, report);
  const [open, setOpen] = useState<string | null>(null);
  const idBase = useRef(`pick-${Math.random().toString(36).slice(2, 9)}`).current;
  return (
    <ul class="reading" aria-label="How the question was read">
      {items.map((item) => {
        const title = item.period ? periodTitle(item.period, timeZone) : undefined;
        const hidden = item.period && (
          <span class="visually-hidden">
            {` (${formatInstantRange(item.period.start, item.period.end, timeZone)})`}
          </span>
        );
        if (!host || !report || !item.target) {
          return (
            <li key={item.key} class={`reading-chip reading-${item.kind}`} title={title}>
              {item.text}
              {hidden}
            </li>
          );
        }
        return (
          <EditableChip
            key={item.key}
            id={`${idBase}-${item.key}`}
            item={item}
            title={title}
            hidden={hidden || null}
            open={open === item.key}
            onOpen={(on) => setOpen(on ? item.key : null)}
            host={host}
            report={report}
            interpretation={interpretation}
          />
        );
      })}
    </ul>
  );
}

interface EditableChipProps {
  id: string;
  item: ChipItem;
  title?: string;
  hidden: JSX.Element | null;
  open: boolean;
  onOpen: (open: boolean) => void;
  host: PickerHost;
  report: ReportCall;
  interpretation: Interpretation;
}

const PICKER_LABELS: Record<Target["kind"], string> = {
  metric: "Change the report",
  period: "Change the period",
  filter: "Choose values",
  duration: "Call duration",
  time_of_day: "Time of day",
  customer: "Choose a customer",
  group: "Group by",
  limit: "Number of rows",
  add: "Add to this answer",
};

function pickerLabel(t: Target): string {
  if (t.kind === "filter") return `Choose ${FILTER_WORDS[t.name][1]}`;
  return PICKER_LABELS[t.kind];
}

/** A chip button and, while open, its picker. */
function EditableChip(p: EditableChipProps): JSX.Element {
  const button = useRef<HTMLButtonElement>(null);
  const target = p.item.target!;
  const close = (returnFocus: boolean) => {
    p.onOpen(false);
    if (returnFocus) button.current?.focus();
  };
  const apply = (change: ReportChange, words: string) => {
    const params = applyChange(p.report.params, change);
    const metric = p.interpretation.metric_label || p.interpretation.metric;
    p.host.run({ name: p.report.name, params }, `${metric} · ${words}`);
    close(true);
  };
  const switchTo = (entry: CatalogEntryInfo, params: Record<string, unknown>) => {
    p.host.run({ name: entry.name, params }, entry.title);
    close(true);
  };
  const isAdd = target.kind === "add";
  return (
    <li class="reading-item">
      <button
        ref={button}
        type="button"
        class={`reading-chip reading-${p.item.kind} is-editable${p.open ? " is-open" : ""}`}
        aria-haspopup="dialog"
        aria-expanded={p.open ? "true" : "false"}
        aria-controls={p.open ? p.id : undefined}
        aria-label={isAdd ? "Add a filter, grouping or row count" : undefined}
        title={p.title ?? (isAdd ? undefined : `Change: ${p.item.text}`)}
        onClick={() => p.onOpen(!p.open)}
      >
        {isAdd && <IconPlus class="reading-chip-icon" />}
        <span>{p.item.text}</span>
        {p.hidden}
        {!isAdd && <IconChevron class="reading-chip-caret" />}
      </button>
      {p.open && (
        <Popover
          id={p.id}
          label={pickerLabel(target)}
          anchor={button}
          onClose={close}
          wide={target.kind === "metric"}
        >
          {p.host.busy && (
            <p class="picker-note">An answer is still running: apply when it has finished.</p>
          )}
          <ChipPicker
            target={target}
            host={p.host}
            report={p.report}
            interpretation={p.interpretation}
            apply={apply}
            switchTo={switchTo}
            keep={() => close(true)}
          />
        </Popover>
      )}
    </li>
  );
}

interface ChipPickerProps {
  target: Target;
  host: PickerHost;
  report: ReportCall;
  interpretation: Interpretation;
  apply: (change: ReportChange, words: string) => void;
  /** Runs another catalog entry with `params` (the metric chip). */
  switchTo: (entry: CatalogEntryInfo, params: Record<string, unknown>) => void;
  /** Closes the picker with nothing changed. */
  keep: () => void;
}

/** The picker of a duration filter (current: the report's range). */
function DurationChoice(
  { current, disabled, apply }: {
    current?: unknown;
    disabled: boolean;
    apply: ChipPickerProps["apply"];
  },
): JSX.Element {
  return (
    <DurationPicker
      current={current}
      disabled={disabled}
      onApply={(range) =>
        apply(
          { kind: "duration", range },
          range ? `duration: ${durationText(range)}` : "any duration",
        )}
    />
  );
}

/** The picker of a time-of-day filter (current: the report's window). */
function TimeOfDayChoice(
  { current, disabled, apply }: {
    current?: unknown;
    disabled: boolean;
    apply: ChipPickerProps["apply"];
  },
): JSX.Element {
  return (
    <TimeOfDayPicker
      current={current}
      disabled={disabled}
      onApply={(window) =>
        apply(
          { kind: "time_of_day", window },
          window ? `time of day: ${timeOfDayLabel(window)}` : "any time of day",
        )}
    />
  );
}

/** The picker of a customer filter. */
function CustomerChoice(
  { current, disabled, apply }: {
    current: string;
    disabled: boolean;
    apply: ChipPickerProps["apply"];
  },
): JSX.Element {
  return (
    <CustomerPicker
      current={current}
      disabled={disabled}
      onApply={(value) =>
        apply({ kind: "customer", value }, value ? `customer: ${value}` : "any customer")}
    />
  );
}

/** The picker of one chip. */
function ChipPicker(p: ChipPickerProps): JSX.Element {
  const { target, host, report } = p;
  const disabled = host.busy;
  switch (target.kind) {
    case "period":
      return (
        <PeriodPicker
          current={typeof report.params.period === "string" ? report.params.period : ""}
          presets={PERIOD_PRESETS}
          disabled={disabled}
          onApply={(period, label) => p.apply({ kind: "period", period }, label)}
        />
      );
    case "filter":
      return (
        <FilterValues
          name={target.name}
          host={host}
          selected={valuesOf(p.interpretation.filters[target.name])}
          apply={p.apply}
        />
      );
    case "duration":
      return (
        <DurationChoice
          current={report.params.duration}
          disabled={disabled}
          apply={p.apply}
        />
      );
    case "time_of_day":
      return (
        <TimeOfDayChoice
          current={report.params.time_of_day}
          disabled={disabled}
          apply={p.apply}
        />
      );
    case "customer":
      return (
        <CustomerChoice
          current={typeof report.params.customer === "string" ? report.params.customer : ""}
          disabled={disabled}
          apply={p.apply}
        />
      );
    case "limit":
      return (
        <LimitPicker
          current={typeof report.params.limit === "number" ? report.params.limit : null}
          disabled={disabled}
          onApply={(value) =>
            p.apply({ kind: "limit", value }, value ? `top ${value}` : "all rows")}
        />
      );
    case "metric":
    case "group":
    case "add":
      return <EntryPicker {...p} />;
  }
}

/** A filter's multi-select over the values from the data. */
function FilterValues(
  { name, host, selected, apply }: {
    name: ListFilter;
    host: PickerHost;
    selected: string[];
    apply: ChipPickerProps["apply"];
  },
): JSX.Element {
  const vocabulary = useLoaded(host.vocabulary);
  if (vocabulary.state !== "ready") {
    return (
      <PickerStatus
        loading={vocabulary.state === "loading"}
        failure={vocabulary.state === "failed" ? vocabulary.message : null}
      />
    );
  }
  const [one, many] = FILTER_WORDS[name];
  return (
    <ValuesPicker
      filter={name}
      options={vocabulary.value[LIST_FILTERS[name]]}
      selected={selected}
      single={SINGLE_VALUE_FILTERS.has(name)}
      disabled={host.busy}
      onApply={(values) =>
        apply(
          { kind: "filter", name, values },
          values.length
            ? `${values.length > 1 ? many : one}: ${values.join(" or ")}`
            : `any ${one}`,
        )}
    />
  );
}

/** Pickers that need the catalog: the report, the grouping, and "add". */
function EntryPicker(p: ChipPickerProps): JSX.Element {
  const catalog = useLoaded(p.host.catalog);
  if (catalog.state !== "ready") {
    return (
      <PickerStatus
        loading={catalog.state === "loading"}
        failure={catalog.state === "failed" ? catalog.message : null}
      />
    );
  }
  if (p.target.kind === "metric") {
    return (
      <MetricPicker
        entries={catalog.value}
        current={p.report.name}
        params={p.report.params}
        disabled={p.host.busy}
        onApply={p.switchTo}
        onKeep={p.keep}
      />
    );
  }
  const entry = catalog.value.find((e) => e.name === p.report.name);
  if (!entry) return <p class="picker-note">This report cannot be changed here.</p>;
  if (p.target.kind === "group") {
    return (
      <GroupPicker
        options={entry.group_by}
        current={p.interpretation.group_by}
        required={entry.required.includes("group_by")}
        disabled={p.host.busy}
        onApply={(value) =>
          p.apply({ kind: "group_by", value }, value ? `by ${value}` : "no grouping")}
      />
    );
  }
  return <AddPicker entry={entry} {...p} />;
}

/** The buttons of the filters "add filter" offers besides the list filters. */
const EXTRA_LABELS: Record<ExtraFilter, string> = {
  duration: "Duration",
  time_of_day: "Time of day",
  customer: "Customer",
};

/** "Add": a filter the answer does not have yet, a grouping, or a row count. */
function AddPicker(p: ChipPickerProps & { entry: CatalogEntryInfo }): JSX.Element {
  const [picked, setPicked] = useState<Target | null>(null);
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!picked) first.current?.focus();
  }, [picked]);
  const filters = addableFilters(p.entry.params, p.report.params);
  const extras = addableExtras(p.entry.params, p.report.params);
  const canGroup = p.entry.group_by.length > 0 && !p.report.params.group_by;
  const canLimit = p.entry.params.includes("limit") && p.report.params.limit === undefined;
  if (picked) {
    return (
      <div class="add-picked">
        <div class="picker-subhead">
          <button
            type="button"
            class="button button-ghost picker-back"
            aria-label="Back to what to add"
            onClick={() => setPicked(null)}
          >
            ‹ Back
          </button>
          <span class="picker-subtitle">
            {picked.kind === "filter"
              ? `Filter by ${FILTER_WORDS[picked.name][0]}`
              : picked.kind === "duration"
              ? "Filter by duration"
              : picked.kind === "time_of_day"
              ? "Filter by time of day"
              : picked.kind === "customer"
              ? "Filter by customer"
              : picked.kind === "group"
              ? "Group by"
              : "Number of rows"}
          </span>
        </div>
        {picked.kind === "filter"
          ? <FilterValues name={picked.name} host={p.host} selected={[]} apply={p.apply} />
          : picked.kind === "duration"
          ? <DurationChoice disabled={p.host.busy} apply={p.apply} />
          : picked.kind === "time_of_day"
          ? <TimeOfDayChoice disabled={p.host.busy} apply={p.apply} />
          : picked.kind === "customer"
          ? <CustomerChoice current="" disabled={p.host.busy} apply={p.apply} />
          : picked.kind === "group"
          ? (
            <GroupPicker
              options={p.entry.group_by}
              current={null}
              disabled={p.host.busy}
              onApply={(value) =>
                p.apply({ kind: "group_by", value }, value ? `by ${value}` : "no grouping")}
            />
          )
          : (
            <LimitPicker
              current={null}
              disabled={p.host.busy}
              onApply={(value) =>
                p.apply({ kind: "limit", value }, value ? `top ${value}` : "all rows")}
            />
          )}
      </div>
    );
  }
  if (!filters.length && !extras.length && !canGroup && !canLimit) {
    return <p class="picker-note">Nothing more can be added to this report.</p>;
  }
  return (
    <div class="picker-presets picker-list" role="group" aria-label="What to add">
      {filters.map((f, n) => (
        <button
          key={f}
          ref={n === 0 ? first : undefined}
          type="button"
          class="picker-preset"
          onClick={() => setPicked({ kind: "filter", name: f })}
        >
          {FILTER_WORDS[f][0][0].toUpperCase() + FILTER_WORDS[f][0].slice(1)}
        </button>
      ))}
      {extras.map((f, n) => (
        <button
          key={f}
          ref={n === 0 && !filters.length ? first : undefined}
          type="button"
          class="picker-preset"
          onClick={() => setPicked({ kind: f })}
        >
          {EXTRA_LABELS[f]}
        </button>
      ))}
      {canGroup && (
        <button
          type="button"
          class="picker-preset"
          onClick={() => setPicked({ kind: "group" })}
        >
          Group by…
        </button>
      )}
      {canLimit && (
        <button
          type="button"
          class="picker-preset"
          onClick={() => setPicked({ kind: "limit" })}
        >
          Top N rows…
        </button>
      )}
    </div>
  );
}

/** The badge of a turn that asked back or declined; nothing for an answer. */
export function OutcomeBadge({ outcome }: { outcome: Outcome | null }): JSX.Element | null {
  if (outcome === "clarified") {
    return (
      <p class="outcome-badge badge-clarified">
        <IconHelp />
        <span>Needs a detail</span>
      </p>
    );
  }
  if (outcome === "refused") {
    return (
      <p class="outcome-badge badge-refused">
        <IconBan />
        <span>Can't do that</span>
      </p>
    );
  }
  return null;
}

/** Badge and chips above an answer: no chips for a declined question. */
export function ReadingView(
  { interpretation, outcome }: { interpretation: Interpretation | null; outcome: Outcome | null },
): JSX.Element | null {
  const chips = outcome !== "refused" && interpretation !== null;
  if (!chips && outcome !== "clarified" && outcome !== "refused") return null;
  return (
    <div class="reading-head">
      <OutcomeBadge outcome={outcome} />
      {chips && <ReadingChips interpretation={interpretation!} outcome={outcome ?? "answered"} />}
    </div>
  );
}
