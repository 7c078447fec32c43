/**
 * The owner's sharing panel of a conversation: who can read it, a field to share it with a
 * teammate by name, and a button to stop sharing with each (`/api/conversations/{id}/shares`).
 */
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api } from "./api.ts";
import { IconX } from "./icons.tsx";

/** A conversation shared with the signed-in user, as the sidebar lists it. */
export interface SharedSummary {
  id: string;
  title: string;
  updated_at: string;
  /** The owner's name. */
  shared_by: string;
}

/** Props of {@linkcode SharePanel}. */
export interface SharePanelProps {
  conversationId: string;
  onClose: () => void;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The sharing panel. */
export function SharePanel({ conversationId, onClose }: SharePanelProps): JSX.Element {
  const [names, setNames] = useState<string[] | null>(null);
  const [name, setName] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const base = `/api/conversations/${encodeURIComponent(conversationId)}/shares`;

  useEffect(() => {
    setNames(null);
    api<{ shares: { username: string }[] }>(base)
      .then((r) => setNames(r.shares.map((s) => s.username)))
      .catch((e) => setProblem(message(e)));
  }, [conversationId]);

  async function share(e: Event): Promise<void> {
    e.preventDefault();
    setProblem(null);
    try {
      const r = await api<{ username: string }>(base, {
        method: "POST",
        body: { username: name.trim() },
      });
      setNames((list) => [...new Set([...(list ?? []), r.username])].sort());
      setName("");
    } catch (err) {
      setProblem(message(err));
    }
  }

  async function unshare(who: string): Promise<void> {
    setProblem(null);
    try {
      await api(`${base}/${encodeURIComponent(who)}`, { method: "DELETE" });
      setNames((list) => (list ?? []).filter((n) => n !== who));
    } catch (err) {
      setProblem(message(err));
    }
  }

  return (
    <div class="share-panel" role="region" aria-label="Share this conversation">
      <span>Read-only with:</span>
      {names === null
        ? <span class="sched-muted">…</span>
        : names.length === 0
        ? <span class="sched-muted">nobody yet</span>
        : names.map((n) => (
          <span class="share-chip" key={n}>
            {n}
            <button
              type="button"
              class="icon-button"
              aria-label={`Stop sharing with ${n}`}
              onClick={() => unshare(n)}
            >
              <IconX />
            </button>
          </span>
        ))}
      <form onSubmit={share}>
        <input
          aria-label="Teammate's name"
          placeholder="Teammate's name"
          required
          maxLength={64}
          value={name}
          onInput={(e) => setName((e.target as HTMLInputElement).value)}
        />{" "}
        <button type="submit" class="button button-small button-secondary">Share</button>
      </form>
      {problem && <span role="alert">{problem}</span>}
      <button type="button" class="icon-button" aria-label="Close sharing" onClick={onClose}>
        <IconX />
      </button>
    </div>
  );
}
