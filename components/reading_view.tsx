/**
 * How the assistant read a question, shown above its answer: a row of compact chips
 * ("Handled calls · last week 9–15 Nov · agent: suresh"), and a badge when it asked back
 * ("Needs a detail") or declined ("Can't do that"). Text only, escaped by Preact.
 */
import type { JSX } from "preact";
import type { Interpretation, Outcome, PeriodReading } from "../lib/agent/events.ts";
import { type Chip, interpretationChips } from "../lib/agent/interpretation.ts";
import { formatInstantRange, formatUtcInstant } from "./format.ts";
import { IconBan, IconHelp } from "./icons.tsx";

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

/** The chips of a reading, as a labelled list. */
export function ReadingChips(
  { interpretation, timeZone }: { interpretation: Interpretation; timeZone?: string },
): JSX.Element {
  const chips = interpretationChips(interpretation);
  return (
    <ul class="reading" aria-label="How the question was read">
      {chips.map((chip, n) => {
        const period = chipPeriod(chip, interpretation);
        const title = period ? periodTitle(period, timeZone) : undefined;
        return (
          <li key={n} class={`reading-chip reading-${chip.kind}`} title={title}>
            {chip.text}
            {period && (
              <span class="visually-hidden">
                {` (${formatInstantRange(period.start, period.end, timeZone)})`}
              </span>
            )}
          </li>
        );
      })}
    </ul>
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
      {chips && <ReadingChips interpretation={interpretation!} />}
    </div>
  );
}
