/**
 * Read access to conversations and what they produced: the owner, or a teammate the owner
 * shared the conversation with (read-only). Every read route asks here — one check, not
 * one per route — and every write route keeps its owner check, answering a teammate with
 * {@linkcode readOnlyError} (403) instead of the stranger's 404.
 */
import type { ConversationInfo } from "../agent/types.ts";
import type { ShareRecord, Store } from "../kv.ts";
import type { ReportMeta } from "../reports/types.ts";
import type { TableMeta } from "../reports/tables.ts";
import { ForbiddenError } from "../web/errors.ts";

/** A conversation the user may read, and how. */
export interface ConversationAccess {
  conversation: ConversationInfo;
  /** Whose it is (the id to read its messages with). */
  owner: string;
  /** The share when the user reads someone else's conversation; null for the owner. */
  share: ShareRecord | null;
}

/** The 403 a teammate gets for anything but reading a shared conversation. */
export function readOnlyError(share: Pick<ShareRecord, "owner_username">): ForbiddenError {
  return new ForbiddenError(
    `This conversation is shared with you read-only by ${share.owner_username}; ` +
      "only its owner can change it",
    "read_only",
  );
}

/** The conversation when `userId` owns it or it is shared with them, else null (404). */
export async function readableConversation(
  store: Store,
  userId: string,
  conversationId: string,
): Promise<ConversationAccess | null> {
  const own = await store.getConversation(userId, conversationId);
  if (own) return { conversation: own, owner: userId, share: null };
  const share = await store.getShareFor(userId, conversationId);
  if (!share) return null;
  const conversation = await store.getConversation(share.owner, conversationId);
  return conversation ? { conversation, owner: share.owner, share } : null;
}

/** The share that lets `userId` read `conversationId` (not theirs), or null. */
export async function sharedWith(
  store: Store,
  userId: string,
  conversationId: string,
): Promise<ShareRecord | null> {
  return (await readableConversation(store, userId, conversationId))?.share ?? null;
}

const TABLE_PATH = /^\/api\/tables\/([^/?#]+)\//;

/**
 * The owner of a saved report or table `userId` may read: themselves, or the owner of a
 * conversation shared with them whose messages show it. Null: neither (404).
 */
async function readableOwner(
  store: Store,
  userId: string,
  kind: "report" | "table",
  id: string,
): Promise<string | null> {
  for (const share of await store.listSharedWith(userId)) {
    const messages = await store.listMessages(share.owner, share.conversation_id);
    const shown = messages.some((m) =>
      kind === "report"
        ? (m.reports ?? []).some((r) => r.id === id)
        : (m.tables ?? []).some((t) =>
          [t.rows_url, t.download].some((u) => u && TABLE_PATH.exec(u)?.[1] === id)
        )
    );
    if (shown) return share.owner;
  }
  return null;
}

/** A saved report the user owns or sees in a conversation shared with them, else null. */
export async function readableReport(
  store: Store,
  userId: string,
  id: string,
): Promise<ReportMeta | null> {
  const own = await store.getReport(userId, id);
  if (own) return own;
  const owner = await readableOwner(store, userId, "report", id);
  return owner ? await store.getReport(owner, id) : null;
}

/** A saved table the user owns or sees in a conversation shared with them, else null. */
export async function readableTable(
  store: Store,
  userId: string,
  id: string,
): Promise<TableMeta | null> {
  const own = await store.getTable(userId, id);
  if (own) return own;
  const owner = await readableOwner(store, userId, "table", id);
  return owner ? await store.getTable(owner, id) : null;
}
