/**
 * What the reading pickers need from the chat page, through a Preact context: run a
 * report as a new answer, whether a turn is running, and the picker values and catalog
 * (each loaded once, when first needed). Without a provider (server-only renders, tests
 * of a single answer) the chips stay plain text.
 */
import { createContext } from "preact";
import { useContext, useEffect, useState } from "preact/hooks";
import type { CatalogEntryInfo, PickerVocabulary, ReportCall } from "../lib/agent/pickers.ts";
import { api } from "./api.ts";

/** The chat page's side of the pickers. */
export interface PickerHost {
  /** Runs `report` as a new answer of the open conversation; `label` until it has its words. */
  run(report: ReportCall, label: string): void;
  /** A turn is running: changes cannot be applied yet. */
  busy: boolean;
  /** The values the pickers list (`GET /api/vocabulary`). */
  vocabulary(): Promise<PickerVocabulary>;
  /** The catalog entries (`GET /api/reports/catalog`). */
  catalog(): Promise<CatalogEntryInfo[]>;
}

/** The pickers' host; null where answers cannot be changed. */
export const PickerContext = createContext<PickerHost | null>(null);

/** The host of the enclosing chat page, or null. */
export function usePickerHost(): PickerHost | null {
  return useContext(PickerContext);
}

/** Loads `load()` once and shares it; a failed load is tried again on the next call. */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | null = null;
  return () => {
    if (!p) {
      p = load();
      p.catch(() => p = null);
    }
    return p;
  };
}

/** The vocabulary and catalog loaders of a chat page (from the API, each fetched once). */
export function pickerLoaders(fetchJson: typeof api = api): {
  vocabulary: () => Promise<PickerVocabulary>;
  catalog: () => Promise<CatalogEntryInfo[]>;
} {
  return {
    vocabulary: once(() => fetchJson<PickerVocabulary>("/api/vocabulary")),
    catalog: once(async () =>
      (await fetchJson<{ reports: CatalogEntryInfo[] }>("/api/reports/catalog")).reports
    ),
  };
}

/** What an async load has given so far. */
export type Loaded<T> = { state: "loading" } | { state: "ready"; value: T } | {
  state: "failed";
  message: string;
};

/** Runs `load` after the first render and follows it (null `load`: stays loading). */
export function useLoaded<T>(load: (() => Promise<T>) | null): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: "loading" });
  useEffect(() => {
    if (!load) return;
    let live = true;
    load().then(
      (value) => live && setLoaded({ state: "ready", value }),
      (e) =>
        live && setLoaded({ state: "failed", message: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [load]);
  return loaded;
}
