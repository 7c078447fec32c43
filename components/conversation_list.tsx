/**
 * The sidebar's conversation list: select, rename inline (Enter saves, Esc cancels),
 * delete after an inline confirmation.
 */
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { ConversationSummary } from "./chat_state.ts";
import { relativeTime } from "./format.ts";
import { IconPencil, IconTrash } from "./icons.tsx";

/** Props of {@linkcode ConversationList}. */
export interface ConversationListProps {
  conversations: ConversationSummary[];
  /** null while loading. */
  loading: boolean;
  selectedId: string | null;
  /** The clock for "5 min ago". */
  now: Date;
  onSelect: (id: string) => void;
  onRename: (id: string, title: string) => void;
  onDelete: (id: string) => void;
}

function RenameInput(
  { title, onDone }: { title: string; onDone: (title: string | null) => void },
): JSX.Element {
  const input = useRef<HTMLInputElement>(null);
  const finished = useRef(false);
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);
  const finish = (value: string | null) => {
    if (finished.current) return;
    finished.current = true;
    onDone(value);
  };
  return (
    <input
      ref={input}
      class="rename-input"
      type="text"
      aria-label="Conversation title"
      maxLength={200}
      defaultValue={title}
      onKeyDown={(e) => {
        if (e.key === "Enter") {
          e.preventDefault();
          finish(e.currentTarget.value);
        } else if (e.key === "Escape") {
          e.preventDefault();
          e.stopPropagation();
          finish(null);
        }
      }}
      onBlur={(e) => finish(e.currentTarget.value)}
    />
  );
}

function Item(
  props: {
    c: ConversationSummary;
    selected: boolean;
    now: Date;
    onSelect: (id: string) => void;
    onRename: (id: string, title: string) => void;
    onDelete: (id: string) => void;
  },
): JSX.Element {
  const { c } = props;
  const [mode, setMode] = useState<"view" | "rename" | "confirm">("view");
  const confirmButton = useRef<HTMLButtonElement>(null);
  const selectButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (mode === "confirm") confirmButton.current?.focus();
  }, [mode]);
  const backToView = () => {
    setMode("view");
    queueMicrotask(() => selectButton.current?.focus());
  };
  if (mode === "rename") {
    return (
      <li class="conv-item is-editing">
        <RenameInput
          title={c.title}
          onDone={(title) => {
            const clean = title?.trim();
            if (clean && clean !== c.title) props.onRename(c.id, clean);
            backToView();
          }}
        />
      </li>
    );
  }
  if (mode === "confirm") {
    return (
      <li
        class="conv-item is-confirming"
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.stopPropagation();
            backToView();
          }
        }}
      >
        <span class="confirm-text">Delete “{c.title}”?</span>
        <div class="confirm-actions">
          <button
            ref={confirmButton}
            type="button"
            class="button button-small button-danger"
            onClick={() => props.onDelete(c.id)}
          >
            Delete
          </button>
          <button type="button" class="button button-small button-ghost" onClick={backToView}>
            Cancel
          </button>
        </div>
      </li>
    );
  }
  return (
    <li class={`conv-item${props.selected ? " is-selected" : ""}`}>
      <button
        ref={selectButton}
        type="button"
        class="conv-select"
        aria-current={props.selected ? "page" : undefined}
        onClick={() => props.onSelect(c.id)}
        onDblClick={() => setMode("rename")}
        onKeyDown={(e) => {
          if (e.key === "F2") {
            e.preventDefault();
            setMode("rename");
          } else if (e.key === "Delete") {
            e.preventDefault();
            setMode("confirm");
          }
        }}
      >
        <span class="conv-title">{c.title || "Untitled"}</span>
        <span class="conv-time">{relativeTime(c.updated_at, props.now)}</span>
      </button>
      <div class="conv-actions">
        <button
          type="button"
          class="icon-button"
          aria-label={`Rename “${c.title}”`}
          title="Rename (F2)"
          onClick={() => setMode("rename")}
        >
          <IconPencil />
        </button>
        <button
          type="button"
          class="icon-button"
          aria-label={`Delete “${c.title}”`}
          title="Delete"
          onClick={() => setMode("confirm")}
        >
          <IconTrash />
        </button>
      </div>
    </li>
  );
}

/** Renders the list, a loading skeleton, or an empty note. */
export function ConversationList(props: ConversationListProps): JSX.Element {
  if (props.loading && props.conversations.length === 0) {
    return (
      <ul class="conv-list is-loading" aria-busy="true" aria-label="Loading conversations">
        <li class="skeleton" />
        <li class="skeleton" />
        <li class="skeleton" />
      </ul>
    );
  }
  if (props.conversations.length === 0) {
    return <p class="conv-empty">No conversations yet. Ask a question to start one.</p>;
  }
  return (
    <ul class="conv-list">
      {props.conversations.map((c) => (
        <Item
          key={c.id}
          c={c}
          selected={c.id === props.selectedId}
          now={props.now}
          onSelect={props.onSelect}
          onRename={props.onRename}
          onDelete={props.onDelete}
        />
      ))}
    </ul>
  );
}
