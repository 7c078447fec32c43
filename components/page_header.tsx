/**
 * The top bar of the app's pages other than the chat (Schedules, Alerts, Team): the brand,
 * one navigation for every page (Team only for admins), the user and the notification
 * bell. One component, so every page offers the same way around.
 */
import type { JSX } from "preact";
import { IconHeadset } from "./icons.tsx";
import { NotificationBell } from "./notification_bell.tsx";

/** The pages of the navigation. */
export type PageName = "chat" | "schedules" | "alerts" | "admin";

/** Props of {@linkcode PageHeader}. */
export interface PageHeaderProps {
  /** The page shown (its link is marked current). */
  current: PageName;
  username: string;
  /** IANA business zone (the bell shows times in it). */
  timeZone: string;
  /** Admins also get the Team page. */
  isAdmin: boolean;
}

const PAGES: { name: PageName; href: string; label: string; adminOnly?: boolean }[] = [
  { name: "chat", href: "/", label: "Chat" },
  { name: "schedules", href: "/schedules", label: "Schedules" },
  { name: "alerts", href: "/alerts", label: "Alerts" },
  { name: "admin", href: "/admin", label: "Team", adminOnly: true },
];

/** The page header with the navigation and the bell. */
export function PageHeader(p: PageHeaderProps): JSX.Element {
  return (
    <header class="sched-top">
      <a class="brand sched-brand" href="/">
        <span class="brand-mark" aria-hidden="true">
          <IconHeadset />
        </span>
        <span class="brand-name">Contact Center Assistant</span>
      </a>
      <nav class="sched-nav" aria-label="Pages">
        {PAGES.filter((page) => !page.adminOnly || p.isAdmin).map((page) => (
          <a
            key={page.name}
            class={page.name === p.current ? "sched-nav-link is-current" : "sched-nav-link"}
            href={page.href}
            aria-current={page.name === p.current ? "page" : undefined}
          >
            {page.label}
          </a>
        ))}
      </nav>
      <span class="sched-user" title={p.username}>{p.username}</span>
      <NotificationBell timeZone={p.timeZone} />
    </header>
  );
}
