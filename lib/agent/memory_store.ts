/**
 * Conversation and report repositories held in memory: for tests, and for one-shot
 * command-line runs that keep nothing. Same owner checks as the KV store.
 */
import type { ReportMeta, ReportRepository } from "../reports/types.ts";
import type { ConversationInfo, ConversationRepository, MemoryMessage } from "./types.ts";

/** An in-memory store of conversations and report metadata. */
export class MemoryStore implements ConversationRepository, ReportRepository {
  #conversations = new Map<string, ConversationInfo>();
  #messages = new Map<string, MemoryMessage[]>();
  #summaries = new Map<string, { text: string; covers: number }>();
  #reports = new Map<string, ReportMeta>();
  #now: () => Date;

  constructor(opts: { now?: () => Date } = {}) {
    this.#now = opts.now ?? (() => new Date());
  }

  #own(owner: string, id: string): ConversationInfo | null {
    const c = this.#conversations.get(id);
    return c && c.owner === owner ? c : null;
  }

  createConversation(owner: string, title: string): Promise<ConversationInfo> {
    const at = this.#now().toISOString();
    const c = { id: `c_${crypto.randomUUID()}`, owner, title, created_at: at, updated_at: at };
    this.#conversations.set(c.id, c);
    this.#messages.set(c.id, []);
    return Promise.resolve({ ...c });
  }

  getConversation(owner: string, id: string): Promise<ConversationInfo | null> {
    const c = this.#own(owner, id);
    return Promise.resolve(c ? { ...c } : null);
  }

  listConversations(owner: string): Promise<ConversationInfo[]> {
    return Promise.resolve(
      [...this.#conversations.values()].filter((c) => c.owner === owner)
        .sort((a, b) => b.updated_at.localeCompare(a.updated_at)).map((c) => ({ ...c })),
    );
  }

  renameConversation(owner: string, id: string, title: string): Promise<boolean> {
    const c = this.#own(owner, id);
    if (c) c.title = title;
    return Promise.resolve(Boolean(c));
  }

  deleteConversation(owner: string, id: string): Promise<boolean> {
    const c = this.#own(owner, id);
    if (c) {
      this.#conversations.delete(id);
      this.#messages.delete(id);
      this.#summaries.delete(id);
    }
    return Promise.resolve(Boolean(c));
  }

  appendMessage(owner: string, conversationId: string, message: MemoryMessage): Promise<void> {
    const c = this.#own(owner, conversationId);
    if (!c) {
      return Promise.reject(
        new Error(`Cannot append to conversation "${conversationId}": not found`),
      );
    }
    this.#messages.get(conversationId)!.push(structuredClone(message));
    c.updated_at = this.#now().toISOString();
    return Promise.resolve();
  }

  listMessages(owner: string, conversationId: string): Promise<MemoryMessage[]> {
    if (!this.#own(owner, conversationId)) return Promise.resolve([]);
    return Promise.resolve(structuredClone(this.#messages.get(conversationId) ?? []));
  }

  getSummary(owner: string, conversationId: string) {
    if (!this.#own(owner, conversationId)) return Promise.resolve(null);
    const s = this.#summaries.get(conversationId);
    return Promise.resolve(s ? { ...s } : null);
  }

  setSummary(
    owner: string,
    conversationId: string,
    summary: { text: string; covers: number },
  ): Promise<void> {
    if (this.#own(owner, conversationId)) this.#summaries.set(conversationId, { ...summary });
    return Promise.resolve();
  }

  saveReport(meta: ReportMeta): Promise<void> {
    this.#reports.set(meta.id, structuredClone(meta));
    return Promise.resolve();
  }

  getReport(owner: string, id: string): Promise<ReportMeta | null> {
    const r = this.#reports.get(id);
    return Promise.resolve(r && r.owner === owner ? structuredClone(r) : null);
  }

  listReports(owner: string): Promise<ReportMeta[]> {
    return Promise.resolve(
      [...this.#reports.values()].filter((r) => r.owner === owner).map((r) => structuredClone(r)),
    );
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
