/**
 * Small inline SVG icons (no icon font, no network). Decorative: hidden from assistive
 * technology; the button or link around an icon carries the accessible name.
 */
import type { ComponentChildren, JSX } from "preact";

/** Props every icon accepts. */
export interface IconProps {
  /** Extra class names (sizes are set in CSS). */
  class?: string;
}

function Svg(props: { class?: string; children: ComponentChildren; fill?: boolean }): JSX.Element {
  return (
    <svg
      class={`icon${props.class ? ` ${props.class}` : ""}`}
      viewBox="0 0 24 24"
      width="20"
      height="20"
      fill={props.fill ? "currentColor" : "none"}
      stroke={props.fill ? "none" : "currentColor"}
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {props.children}
    </svg>
  );
}

/** A plus sign (new conversation). */
export function IconPlus(p: IconProps): JSX.Element {
  return (
    <Svg class={p.class}>
      <path d="M12 5v14M5 12h14" />
    </Svg>
  );
}

/** A paper plane (send). */
export function IconSend(p: IconProps): JSX.Element {
  return (
    <Svg class={p.class}>
      <path d="M22 2 11 13" />
      <path d="m22 2-7 20-4-9-9-4 20-7z" />
    </Svg>
  );
}

/** A filled square (stop). */
export function IconStop(p: IconProps): JSX.Element {
  return (
    <Svg class={p.class} fill>
      <rect x="6" y="6" width="12" height="12" rx="2" />
    </Svg>
  );
}

/** Three lines (menu). */
export function IconMenu(p: IconProps): JSX.Element {
  return (
    <Svg class={p.class}>
      <path d="M4 6h16M4 12h16M4 18h16" />
    </Svg>
  );
}

/** A cross (close). */
export function IconX(p: IconProps): JSX.Element {
  return (
    <Svg class={p.class}>
      <path d="M18 6 6 18M6 6l12 12" />
    </Svg>
  );
}

/** A pencil (rename). */
export function IconPencil(p: IconProps): JSX.Element {
  return (
    <Svg class={p.class}>
      <path d="M12 20h9" />
      <path d="M16.5 3.5a2.12 2.12 0 0 1 3 3L7 19l-4 1 1-4z" />
    </Svg>
  );
}

/** A bin (delete). */
export function IconTrash(p: IconProps): JSX.Element {
  return (
    <Svg class={p.class}>
      <path d="M3 6h18" />
      <path d="M8 6V4a2 2 0 0 1 2-2h4a2 2 0 0 1 2 2v2" />
      <path d="M19 6l-1 14a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2L5 6" />
    </Svg>
  );
}

/** An arrow into a tray (download). */
export function IconDownload(p: IconProps): JSX.Element {
  return (
    <Svg class={p.class}>
      <path d="M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4" />
      <path d="m7 10 5 5 5-5" />
      <path d="M12 15V3" />
    </Svg>
  );
}

/** A door with an arrow (sign out). */
export function IconLogout(p: IconProps): JSX.Element {
  return (
    <Svg class={p.class}>
      <path d="M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4" />
      <path d="m16 17 5-5-5-5" />
      <path d="M21 12H9" />
    </Svg>
  );
}

/** A tick. */
export function IconCheck(p: IconProps): JSX.Element {
  return (
    <Svg class={p.class}>
      <path d="M20 6 9 17l-5-5" />
    </Svg>
  );
}

/** A warning triangle. */
export function IconAlert(p: IconProps): JSX.Element {
  return (
    <Svg class={p.class}>
      <path d="M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z" />
      <path d="M12 9v4M12 17h.01" />
    </Svg>
  );
}

/** A circular arrow (retry). */
export function IconRetry(p: IconProps): JSX.Element {
  return (
    <Svg class={p.class}>
      <path d="M21 12a9 9 0 1 1-3-6.7L21 8" />
      <path d="M21 3v5h-5" />
    </Svg>
  );
}

/** A chevron pointing right (disclosure). */
export function IconChevron(p: IconProps): JSX.Element {
  return (
    <Svg class={p.class}>
      <path d="m9 18 6-6-6-6" />
    </Svg>
  );
}

/** An arrow pointing down (jump to latest). */
export function IconArrowDown(p: IconProps): JSX.Element {
  return (
    <Svg class={p.class}>
      <path d="M12 5v14M19 12l-7 7-7-7" />
    </Svg>
  );
}

/** A headset: the product mark. */
export function IconHeadset(p: IconProps): JSX.Element {
  return (
    <Svg class={p.class}>
      <path d="M3 14v-2a9 9 0 0 1 18 0v2" />
      <path d="M21 16a2 2 0 0 1-2 2h-1v-6h1a2 2 0 0 1 2 2zM3 16a2 2 0 0 0 2 2h1v-6H5a2 2 0 0 0-2 2z" />
      <path d="M18 18v1a3 3 0 0 1-3 3h-3" />
    </Svg>
  );
}

/** A chat bubble (conversation). */
export function IconChat(p: IconProps): JSX.Element {
  return (
    <Svg class={p.class}>
      <path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z" />
    </Svg>
  );
}

/** A spreadsheet (Excel report). */
export function IconSheet(p: IconProps): JSX.Element {
  return (
    <Svg class={p.class}>
      <rect x="3" y="3" width="18" height="18" rx="2" />
      <path d="M3 9h18M3 15h18M9 3v18" />
    </Svg>
  );
}

/** A wrench (tool call). */
export function IconTool(p: IconProps): JSX.Element {
  return (
    <Svg class={p.class}>
      <path d="M14.7 6.3a1 1 0 0 0 0 1.4l1.6 1.6a1 1 0 0 0 1.4 0l3.8-3.8a6 6 0 0 1-7.9 7.9l-6.9 6.9a2.1 2.1 0 0 1-3-3l6.9-6.9a6 6 0 0 1 7.9-7.9z" />
    </Svg>
  );
}

/** A question mark in a circle (the assistant needs a detail). */
export function IconHelp(p: IconProps): JSX.Element {
  return (
    <Svg class={p.class}>
      <circle cx="12" cy="12" r="10" />
      <path d="M9.1 9a3 3 0 0 1 5.8 1c0 2-3 3-3 3M12 17h.01" />
    </Svg>
  );
}

/** A circle with a bar through it (declined). */
export function IconBan(p: IconProps): JSX.Element {
  return (
    <Svg class={p.class}>
      <circle cx="12" cy="12" r="10" />
      <path d="m4.9 4.9 14.2 14.2" />
    </Svg>
  );
}

/** Two overlapping sheets (copy). */
export function IconCopy(p: IconProps): JSX.Element {
  return (
    <Svg class={p.class}>
      <rect x="9" y="9" width="12" height="12" rx="2" />
      <path d="M5 15H4a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2h9a2 2 0 0 1 2 2v1" />
    </Svg>
  );
}

/** A thumb up. */
export function IconThumbUp(p: IconProps): JSX.Element {
  return (
    <Svg class={p.class}>
      <path d="M7 10v11" />
      <path d="M15 5.9 14 10h5.8a2 2 0 0 1 2 2.4l-1.4 7A2 2 0 0 1 18.5 21H7V10l4-8a3 3 0 0 1 4 3.9z" />
      <path d="M7 21H4a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1h3" />
    </Svg>
  );
}

/** A thumb down. */
export function IconThumbDown(p: IconProps): JSX.Element {
  return (
    <Svg class={p.class}>
      <path d="M17 14V3" />
      <path d="M9 18.1 10 14H4.2a2 2 0 0 1-2-2.4l1.4-7A2 2 0 0 1 5.5 3H17v11l-4 8a3 3 0 0 1-4-3.9z" />
      <path d="M17 3h3a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1h-3" />
    </Svg>
  );
}

/** Sliders (explore). */
export function IconSliders(p: IconProps): JSX.Element {
  return (
    <Svg class={p.class}>
      <path d="M4 6h9M17 6h3M4 12h3M11 12h9M4 18h11M19 18h1" />
      <circle cx="15" cy="6" r="2" />
      <circle cx="9" cy="12" r="2" />
      <circle cx="17" cy="18" r="2" />
    </Svg>
  );
}
