/**
 * All Deno KV access of the app: users, sessions, login attempts, conversations and their
 * messages, turns and their event logs, and report metadata. Keys:
 *
 * | key                                             | value                              |
 * | ----------------------------------------------- | ---------------------------------- |
 * | `["users", id]`                                 | {@linkcode UserRecord}             |
 * | `["users_by_name", lowercase name]`             | user id                            |
 * | `["sessions", sha256(token)]`                   | {@linkcode SessionRecord}          |
 * | `["sessions_by_user", user id, sha256(token)]`  | true                               |
 * | `["login_attempts", lowercase name]`            | {@linkcode LoginAttempts}          |
 * | `["login_attempts_by_address", address]`        | {@linkcode LoginAttempts}          |
 * | `["conversations", owner, id]`                  | {@linkcode ConversationRecord}     |
 * | `["messages", owner, conversation id, n, chunk]`| MemoryMessage (chunked JSON)       |
 * | `["summaries", owner, conversation id]`         | summary                            |
 * | `["turns", id]`                                 | {@linkcode TurnRecord}             |
 * | `["turns_by_conversation", owner, conv, turn]`  | true                               |
 * | `["running_turns", conversation id]`            | turn id                            |
 * | `["turn_events", turn id, seq, chunk]`          | `{seq, event}` (chunked JSON)      |
 * | `["instances", instance id]`                    | {@linkcode InstanceLease}          |
 * | `["turn_stops", turn id]`                       | {@linkcode StopRequest}            |
 * | `["instance_inbox", instance id]`               | counter bumped by a stop request   |
 * | `["turn_followers", turn id]`                   | {@linkcode FollowMark}             |
 * | `["reports", owner, id, chunk]`                 | ReportMeta (chunked JSON)          |
 * | `["tables", owner, id, chunk]`                  | TableMeta (chunked JSON)           |
 * | `["feedback", turn id]`                         | {@linkcode FeedbackRecord}         |
 * | `["feedback_by_conversation", owner, conv, turn]`| true                              |
 * | `["schedules", id]`, `["schedules_by_owner", owner, id]`, `["schedules_due", at, id]` | scheduled reports and their indexes |
 * | `["schedule_claims", id, due at]`, `["schedule_runs", schedule id, run id]` | one claim per due run; the delivery log |
 * | `["inbox", owner, id]`                          | a report delivered in the app      |
 * | `["alerts", id]`, `["alerts_by_owner", owner, id]` | KPI alert rules                 |
 * | `["alert_state", id]`, `["alert_firings", rule, id]`, `["alert_deliveries_due", at, …]` | ok/firing, firings with deliveries |
 * | `["notifications", owner, id]`, `["notifications_unread", owner, id]`, `["notifications_signal", owner]` | in-app notifications |
 * | `["shares", owner, conv, user]`, `["shares_by_user", user, conv]` | read-only shares        |
 * | `["audit", ms, id]`, `["audit_by_user", user, ms, id]` | the audit log (append-only)    |
 *
 * Values that may exceed KV's 64 KiB limit (messages, events, reports) are stored in chunks;
 * beyond 600 KB their table rows are cut, keeping `total_rows` (see `kv_values.ts`).
 * Secondary indexes are written in the same atomic commit as the records they index.
 */
import type { AgentEvent } from "./agent/events.ts";
import type { ConversationInfo, ConversationRepository, MemoryMessage } from "./agent/types.ts";
import type { PasswordHash } from "./auth/password.ts";
import type { ReportMeta, ReportRepository } from "./reports/types.ts";
import type { TableMeta } from "./reports/tables.ts";
import { deletePrefix, getChunked, listChunked, setChunked } from "./kv_values.ts";
import { retryLocked } from "./kv_retry.ts";
import { GroupCommitter } from "./kv_group_commit.ts";
import {
  type InboxItem,
  isScheduleRunMessage,
  type ScheduleRecord,
  type ScheduleRun,
  type ScheduleRunMessage,
} from "./schedules/types.ts";

/** A user account. */
export interface UserRecord {
  id: string;
  username: string;
  password: PasswordHash;
  /** ISO instant. */
  created_at: string;
  /** `admin` or `supervisor`; a record without one (older ones) is a supervisor. */
  role?: UserRole;
  /** A disabled user cannot sign in and has no sessions. */
  disabled?: boolean;
  /** ISO instant of the last successful sign-in, when recorded. */
  last_login_at?: string;
}

/** A session, keyed by the SHA-256 of its token (the token itself is never stored). */
export interface SessionRecord {
  user_id: string;
  /** Epoch milliseconds. */
  created_at: number;
  last_seen_at: number;
  /** Absolute expiry (epoch ms). */
  expires_at: number;
  /** Idle timeout (ms): the session ends when `last_seen_at + idle_ms` has passed. */
  idle_ms: number;
}

/** Failed logins of one account in the current window. */
export interface LoginAttempts {
  count: number;
  /** Epoch ms when the window ends. */
  reset_at: number;
}

/** What {@linkcode Store.reserveLoginAttempt} counts an attempt against, with its limits. */
export interface LoginAttemptLimits {
  /** The account name tried (counted case-insensitively). */
  username: string;
  /** The client's address key (lib/auth/client_address.ts), or null when unknown. */
  address: string | null;
  maxPerAccount: number;
  maxPerAddress: number;
  windowMs: number;
}

/** The outcome of {@linkcode Store.reserveLoginAttempt}. */
export type LoginReservation =
  | { ok: true }
  | { ok: false; scope: "account" | "address"; retryAfterMs: number };

/** A conversation as stored. */
export interface ConversationRecord extends ConversationInfo {
  message_count: number;
}

/** Status of a turn. */
export type TurnStatus = "running" | "done" | "error" | "cancelled";

/** A turn (one question and its answer) and its event log's head. */
export interface TurnRecord {
  id: string;
  owner: string;
  conversation_id: string;
  status: TurnStatus;
  /** ISO instants. */
  created_at: string;
  finished_at: string | null;
  /** Sequence number of the last event (0 = none yet). */
  last_seq: number;
  /**
   * The app instance running the turn: its lease is that instance's heartbeat
   * (`["instances", id]`). Missing on turns stored before leases existed.
   */
  instance?: string;
}

/**
 * The heartbeat of an app instance, renewed while it runs: every turn it runs holds its
 * lease through it. `expiresAt` is checked on read (KV's `expireIn` deletes lazily).
 */
export interface InstanceLease {
  id: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** A user's Stop of a turn, for the instance that runs it. */
export interface StopRequest {
  turn_id: string;
  reason: string;
  /** Epoch milliseconds. */
  at: number;
}

/** An event stream following a turn on an instance that does not run it. */
export interface FollowMark {
  /** Epoch milliseconds until which the turn counts as followed. */
  until: number;
}

/** Thrown when an event is appended to a turn that has already ended (e.g. failed by another instance). */
export class TurnEndedError extends Error {
  constructor(turnId: string) {
    super(`Cannot append an event: turn ${turnId} has already ended`);
    this.name = "TurnEndedError";
  }
}

/** An event of a turn's log with its sequence number (1, 2, 3…). */
export interface StoredEvent {
  seq: number;
  event: AgentEvent;
}

/** A thumbs up or down on an answer. */
export type FeedbackRating = "up" | "down";

/** The feedback on one turn's answer (the latest given wins). */
export interface FeedbackRecord {
  turn_id: string;
  /** The user id. */
  owner: string;
  /** The user's name when the feedback was given. */
  username: string;
  conversation_id: string;
  /** The question and the start of the answer, as they were when rated. */
  question: string;
  answer_excerpt: string;
  rating: FeedbackRating;
  /** "" when none. */
  comment: string;
  /** ISO instant the feedback was given (the latest time). */
  created_at: string;
}

/** What {@linkcode Store.saveFeedback} stores (the time is the store's). */
export type FeedbackInput = Omit<FeedbackRecord, "created_at">;

/** Options of {@linkcode openStore}. */
export interface StoreOptions {
  /** Clock for `created_at`/`updated_at` (default: real time). */
  clock?: () => Date;
  /** How often waiters re-read a turn, for writers in other processes (default 1000 ms). */
  pollMs?: number;
  /** Clock of leases, stop requests and follow marks (default `Date.now`). */
  leaseClock?: () => number;
}

/** The app's store: conversation memory, report metadata and everything else in KV. */
export interface Store extends ConversationRepository, ReportRepository {
  // Users
  /** Creates a user; null when the name is taken (case-insensitive). */
  createUser(
    username: string,
    password: PasswordHash,
    extra?: { role?: UserRole },
  ): Promise<UserRecord | null>;
  getUser(id: string): Promise<UserRecord | null>;
  getUserByName(username: string): Promise<UserRecord | null>;
  listUsers(): Promise<UserRecord[]>;
  /** Replaces the password hash; false when there is no such user. */
  setPassword(userId: string, password: PasswordHash): Promise<boolean>;
  /** Removes a user with their sessions, conversations, turns and reports. */
  removeUser(userId: string): Promise<boolean>;
  countUsers(): Promise<number>;

  // Sessions
  createSession(tokenHash: string, session: SessionRecord): Promise<void>;
  /** The session when it exists and has not expired at `now` (expired ones are deleted). */
  getSession(tokenHash: string, now: Date): Promise<SessionRecord | null>;
  /** Records activity (extends the idle expiry). */
  touchSession(tokenHash: string, now: Date): Promise<void>;
  deleteSession(tokenHash: string): Promise<void>;
  deleteUserSessions(userId: string): Promise<number>;

  // Login attempts
  /** Failed attempts in the current window (null when none or the window has passed). */
  getLoginAttempts(username: string, now: Date): Promise<LoginAttempts | null>;
  /** Counts one failed attempt; a new window starts when the last one has passed. */
  recordLoginFailure(username: string, now: Date, windowMs: number): Promise<LoginAttempts>;
  clearLoginAttempts(username: string): Promise<void>;
  /**
   * Counts a login attempt against its account and its client address *before* the
   * password is checked, in one atomic check-and-increment: refused (nothing counted) when
   * either is at its limit in the current window, so parallel attempts cannot overshoot.
   */
  reserveLoginAttempt(limits: LoginAttemptLimits, now: Date): Promise<LoginReservation>;
  /**
   * After a successful login: clears the account's count and gives the address back the
   * attempt it reserved (so only failures use up an address's allowance).
   */
  settleLoginSuccess(username: string, address: string | null, now: Date): Promise<void>;

  // Tables (results shown in the chat, saved as queries for paging and downloads)
  saveTable(meta: TableMeta): Promise<void>;
  /** The table when `owner` owns it, else null. */
  getTable(owner: string, id: string): Promise<TableMeta | null>;

  // Feedback
  /**
   * Stores the feedback on a turn (replacing any earlier one); null when the conversation
   * is not the owner's.
   */
  saveFeedback(feedback: FeedbackInput): Promise<FeedbackRecord | null>;
  /** The feedback given in a conversation of `owner`, by turn. */
  listFeedback(owner: string, conversationId: string): Promise<FeedbackRecord[]>;
  /** All feedback (of every user) given at or after `since`, oldest first (the export). */
  listAllFeedback(options?: { since?: Date }): Promise<FeedbackRecord[]>;

  // Turns
  /**
   * Creates a running turn in a conversation of `owner`; "busy" when a turn is already
   * running there, "not_found" when the conversation is not the owner's.
   */
  createTurn(
    turn: { id: string; owner: string; conversation_id: string; instance?: string },
    /** Stored as the turn's event 1 in the same commit (its `turn_started`). */
    first?: AgentEvent,
    /** Renames the conversation in the same commit while it has the default title. */
    options?: { title?: string },
  ): Promise<
    TurnRecord | "busy" | "not_found"
  >;
  /** The turn when `owner` owns it. */
  getTurn(owner: string, turnId: string): Promise<TurnRecord | null>;
  /**
   * Appends an event; returns its sequence number (1, 2, 3…, atomic and monotonic). With
   * `finish`, the same commit ends the turn (see {@linkcode Store.finishTurn}).
   */
  appendEvent(
    turnId: string,
    event: AgentEvent,
    options?: { finish?: Exclude<TurnStatus, "running"> },
  ): Promise<number>;
  /**
   * Appends events in one commit (group commit of a turn's pending events); returns the
   * last sequence number. With `finish`, the same commit ends the turn. Throws
   * {@linkcode TurnEndedError} when the turn is no longer running.
   */
  appendEvents(
    turnId: string,
    events: AgentEvent[],
    options?: { finish?: Exclude<TurnStatus, "running"> },
  ): Promise<number>;
  /** Events with `seq > afterSeq`, in order. */
  listEvents(turnId: string, afterSeq?: number): Promise<StoredEvent[]>;
  /** Marks the turn finished and frees its conversation for the next turn. */
  finishTurn(turnId: string, status: Exclude<TurnStatus, "running">): Promise<void>;
  /** Id of the turn running in a conversation of `owner`, or null. */
  getRunningTurnId(owner: string, conversationId: string): Promise<string | null>;
  /** Turns still marked running (e.g. left over by a crash). */
  listRunningTurns(): Promise<TurnRecord[]>;
  /** Renews an instance's heartbeat (the lease of every turn it runs) for `ttlMs`. */
  beatInstance(instanceId: string, ttlMs: number): Promise<void>;
  /** Removes an instance's heartbeat (at shutdown, after its turns ended). */
  endInstance(instanceId: string): Promise<void>;
  /** True while the instance's heartbeat has not expired. */
  instanceAlive(instanceId: string): Promise<boolean>;
  /**
   * Ends a running turn whose lease expired (its instance's heartbeat is gone) with an
   * `error` event, in one commit that checks the turn and the heartbeat did not change: of
   * several instances trying at once, one does it. True when this call ended it.
   */
  failOrphanedTurn(turnId: string, message: string): Promise<boolean>;
  /** Records a Stop of a turn for the instance running it, and wakes that instance. */
  requestStop(turnId: string, reason: string): Promise<void>;
  /** Stop requests not yet honoured. */
  listStops(): Promise<StopRequest[]>;
  /** Forgets a Stop request (honoured, or its turn ended). */
  clearStop(turnId: string): Promise<void>;
  /**
   * Calls `onSignal` when a stop request for the instance arrives, where KV can watch
   * (managed KV, KV Connect, the same process); returns a function that stops watching.
   */
  watchInbox(instanceId: string, onSignal: () => void): () => void;
  /** Marks a turn followed by an event stream on another instance until `until`. */
  markFollowed(turnId: string, until: number): Promise<void>;
  /** Until when the turn is followed elsewhere (epoch ms; 0 when not). */
  followedUntil(turnId: string): Promise<number>;
  /**
   * Resolves true when the turn has events after `afterSeq` or is no longer running, false
   * on timeout or abort.
   */
  waitForEvents(
    turnId: string,
    afterSeq: number,
    options: {
      signal?: AbortSignal;
      timeoutMs: number;
      /**
       * The writer is another process: also watch the turn in KV (where watch sees other
       * writers) and re-read it every `pollMs` (default: the store's).
       */
      remote?: boolean;
      pollMs?: number;
    },
  ): Promise<boolean>;

  // ---- Schedules ----
  // Keys: ["schedules", id] → ScheduleRecord; ["schedules_by_owner", owner, id] → true;
  // ["schedules_due", next_run_at, id] → true (unpaused only); ["schedule_claims", id,
  // due_at] → run id (expires after 35 days); ["schedule_runs", schedule id, run id] →
  // ScheduleRun (the delivery log); ["inbox", owner, id] → InboxItem. Indexes are written
  // in the same atomic commit as the schedule; a claim also enqueues its run's message.
  /** Creates or replaces a schedule with its owner and due indexes. */
  saveSchedule(schedule: ScheduleRecord): Promise<void>;
  /** The schedule; null when missing or (with `owner`) someone else's. */
  getSchedule(id: string, owner?: string): Promise<ScheduleRecord | null>;
  /** The owner's schedules, oldest first. */
  listSchedules(owner: string): Promise<ScheduleRecord[]>;
  /** Every schedule (operators' list). */
  listAllSchedules(): Promise<ScheduleRecord[]>;
  /** Unpaused schedules whose `next_run_at` is at or before `now`, earliest first. */
  listDueSchedules(now: Date, limit?: number): Promise<ScheduleRecord[]>;
  /** Deletes the owner's schedule, its indexes and its delivery log; false when not theirs. */
  deleteSchedule(owner: string, id: string): Promise<boolean>;
  /**
   * Claims the run of schedule `id` due at `dueAt`, exactly once across instances: one
   * atomic commit checks that the schedule is unchanged, unpaused and still due at
   * `dueAt` and that no claim exists, then advances `next_run_at` to `nextRunAt`,
   * records `run` and enqueues its first attempt. False when another claim won.
   */
  claimScheduledRun(
    opts: { id: string; dueAt: string; nextRunAt: string; run: ScheduleRun },
  ): Promise<boolean>;
  /** Records a manual run of an existing schedule and enqueues it; false when it is gone. */
  queueManualRun(run: ScheduleRun): Promise<boolean>;
  getScheduleRun(scheduleId: string, runId: string): Promise<ScheduleRun | null>;
  /** The schedule's delivery log, newest first. */
  listScheduleRuns(scheduleId: string, limit?: number): Promise<ScheduleRun[]>;
  /**
   * Marks attempt `attempt` of a run as sending; null when that attempt was already
   * started or the run has ended (a queue message delivered twice sends once).
   */
  startRunAttempt(
    opts: { scheduleId: string; runId: string; attempt: number; at: Date },
  ): Promise<ScheduleRun | null>;
  /**
   * Records how an attempt ended. A failure with `retryDelayMs` leaves the run
   * "retrying" and enqueues the next attempt after that delay, in the same commit.
   */
  finishRunAttempt(opts: {
    scheduleId: string;
    runId: string;
    attempt: number;
    at: Date;
    status: "sent" | "inbox" | "failed";
    reason?: string;
    deliveredTo?: string[];
    periodLabel?: string | null;
    retryDelayMs?: number;
  }): Promise<ScheduleRun | null>;
  addInboxItem(item: InboxItem): Promise<void>;
  /** The owner's inbox, newest first. */
  listInbox(owner: string): Promise<InboxItem[]>;
  getInboxItem(owner: string, id: string): Promise<InboxItem | null>;
  /** Delivers schedule-run queue messages to `handler` until the store closes. */
  listenScheduleRuns(handler: (message: ScheduleRunMessage) => Promise<void>): Promise<void>;
  // ---- end of Schedules ----

  // ---- Alerts and notifications ----
  // Keys: ["alerts", id] → AlertRule; ["alerts_by_owner", owner, id] → true;
  // ["alert_state", id] → AlertState (a transition is one atomic commit checking its
  // versionstamp, so two evaluators at the same minute fire once); ["alert_firings", rule
  // id, firing id] → AlertFiring (with its delivery log); ["alert_deliveries_due", due_at,
  // rule id, firing id, channel] → true; ["notifications", owner, id] → Notification;
  // ["notifications_unread", owner, id] → true; ["notifications_signal", owner] → a
  // counter bumped by every change of the owner's notifications (streams watch it).
  /** Creates or replaces an alert rule with its owner index. */
  saveAlert(rule: AlertRuleRecord): Promise<void>;
  /** The rule; null when missing or (with `owner`) someone else's. */
  getAlert(id: string, owner?: string): Promise<AlertRuleRecord | null>;
  /** The owner's rules, oldest first. */
  listAlerts(owner: string): Promise<AlertRuleRecord[]>;
  /** Every rule (the evaluator's list). */
  listAllAlerts(): Promise<AlertRuleRecord[]>;
  /** Deletes the owner's rule, its state and its firings; false when not theirs. */
  deleteAlert(owner: string, id: string): Promise<boolean>;
  /** The rule's state and its versionstamp (both null before the first transition). */
  getAlertState(
    id: string,
  ): Promise<{ state: AlertStateRecord | null; versionstamp: string | null }>;
  /**
   * Moves the rule's state, exactly once: one atomic commit checks the state's
   * `versionstamp` and writes the new state, and with `firing` records it, schedules its
   * deliveries (due at `firing.fired_at`) and adds `notification` (unread, signalled).
   * False when another evaluator moved it first.
   */
  transitionAlert(opts: {
    ruleId: string;
    versionstamp: string | null;
    state: AlertStateRecord;
    firing?: AlertFiringRecord;
    notification?: NotificationRecord | null;
  }): Promise<boolean>;
  getAlertFiring(ruleId: string, firingId: string): Promise<AlertFiringRecord | null>;
  /** The rule's firings, newest first. */
  listAlertFirings(ruleId: string, limit?: number): Promise<AlertFiringRecord[]>;
  /** Deliveries due at or before `now`, earliest first. */
  listDueAlertDeliveries(now: Date, limit?: number): Promise<DueAlertDeliveryRecord[]>;
  /**
   * Starts the next attempt of a due delivery: one commit checks the firing and the due
   * mark, logs the attempt as sending and moves the mark to `leaseUntil` (an attempt cut
   * short is retried then). Null when another instance took it or it is not due.
   */
  claimAlertDelivery(
    due: DueAlertDeliveryRecord,
    opts: { at: Date; leaseUntil: Date },
  ): Promise<{ firing: AlertFiringRecord; attempt: number } | null>;
  /**
   * Records how an attempt ended; with `retryAt` the delivery is "retrying" and due again
   * then, else finished.
   */
  finishAlertDelivery(opts: {
    ruleId: string;
    firingId: string;
    channel: DueAlertDeliveryRecord["channel"];
    attempt: number;
    at: Date;
    status: "sent" | "failed";
    reason?: string;
    retryAt?: Date | null;
  }): Promise<AlertFiringRecord | null>;
  /** Adds an unread notification and signals the owner's streams. */
  addNotification(notification: NotificationRecord): Promise<void>;
  /** The owner's notifications, newest first; with `after`, only newer ids (oldest first). */
  listNotifications(
    owner: string,
    opts?: { limit?: number; after?: string },
  ): Promise<NotificationRecord[]>;
  /** How many of the owner's notifications are unread (up to 10,000). */
  countUnreadNotifications(owner: string): Promise<number>;
  /** Marks `ids` (or all, for "all") read; the number newly read. */
  markNotificationsRead(owner: string, ids: string[] | "all", at: Date): Promise<number>;
  /** The owner's change counter (0n before any notification). */
  notificationSignal(owner: string): Promise<bigint>;
  /**
   * Resolves true once the owner's counter is no longer `seen` (a local write wakes at
   * once; other writers through a KV watch where it sees them, and a poll every `pollMs`,
   * default the store's, at most 1 s), false on timeout or abort.
   */
  waitForNotifications(
    owner: string,
    seen: bigint,
    opts: { signal?: AbortSignal; timeoutMs: number; pollMs?: number },
  ): Promise<boolean>;
  // ---- end of Alerts and notifications ----

  /** Reads one key: throws when KV cannot be reached (health checks). */
  // ---- Team: roles, shares, audit ----
  /**
   * Changes a user's role and/or disabled flag. Refuses ("last_admin") to leave no enabled
   * admin: the commit checks every enabled admin's record, so two admins demoting each
   * other at once cannot both succeed.
   */
  updateUser(
    userId: string,
    patch: { role?: UserRole; disabled?: boolean },
  ): Promise<"ok" | "not_found" | "last_admin">;
  /** Records a successful sign-in (`last_login_at`). */
  recordLogin(userId: string, at: Date): Promise<void>;
  /** Shares a conversation read-only; false when the conversation is gone. */
  shareConversation(share: ShareRecord): Promise<boolean>;
  /** Ends a share; false when there was none. */
  unshareConversation(owner: string, conversationId: string, userId: string): Promise<boolean>;
  /** The teammates a conversation is shared with (by username). */
  listConversationShares(owner: string, conversationId: string): Promise<ShareRecord[]>;
  /** The share of a conversation with `userId`, or null (not shared with them). */
  getShareFor(userId: string, conversationId: string): Promise<ShareRecord | null>;
  /** Conversations shared with `userId`, newest share first. */
  listSharedWith(userId: string): Promise<ShareRecord[]>;
  /** Removes every share of a conversation (when it is deleted). */
  deleteConversationShares(owner: string, conversationId: string): Promise<void>;
  /** Removes every share a user gave or received (when they are removed). */
  deleteUserShares(userId: string): Promise<void>;
  /** The owner and conversation of a turn (any owner), or null. */
  turnConversation(turnId: string): Promise<{ owner: string; conversation_id: string } | null>;
  /** Appends an audit entry (never changed or deleted afterwards). */
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Audit entries, newest first, filtered. */
  listAudit(query?: AuditQuery): Promise<AuditEntry[]>;
  // ---- end of Team ----

  ping(): Promise<void>;

  /** Closes the database. */
  close(): void;
}

/** Default title of a new conversation. */
export const DEFAULT_CONVERSATION_TITLE = "New conversation";

/** A random opaque id with a prefix (`c_…`), 128 bits, base64url. */
export function newId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return `${prefix}_${btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`;
}

function nameKey(username: string): string {
  return username.normalize("NFC").toLowerCase();
}

/** Opens the store at `path` (a file, or `:memory:`). */
// deploy-check: local-only — for scripts and tests; the server uses openConfiguredKv
export async function openStore(path: string, options: StoreOptions = {}): Promise<Store> {
  return storeOver(await Deno.openKv(path), options);
}

/**
 * The store over an open KV (a local file, a remote KV Connect URL or Deploy's managed KV).
 * Writes retry on SQLite's lock errors, for app processes sharing one local file.
 */
export function storeOver(kv: Deno.Kv, options: StoreOptions = {}): Store {
  return new KvStore(retryLocked(kv), options);
}

class KvStore implements Store {
  #kv: Deno.Kv;
  #clock: () => Date;
  #pollMs: number;
  #leaseClock: () => number;
  #group: GroupCommitter;
  #waiters = new Map<string, Set<() => void>>();
  #closed = false;

  constructor(kv: Deno.Kv, options: StoreOptions) {
    this.#kv = kv;
    this.#clock = options.clock ?? (() => new Date());
    this.#pollMs = options.pollMs ?? 1000;
    this.#leaseClock = options.leaseClock ?? Date.now;
    this.#group = new GroupCommitter(kv);
  }

  #now(): string {
    return this.#clock().toISOString();
  }

  // ---- Users ----

  async createUser(
    username: string,
    password: PasswordHash,
    extra: { role?: UserRole } = {},
  ): Promise<UserRecord | null> {
    const user: UserRecord = {
      id: newId("u"),
      username: username.normalize("NFC"),
      password,
      created_at: this.#now(),
      ...(extra.role ? { role: extra.role } : {}),
    };
    const idx = ["users_by_name", nameKey(username)];
    const res = await this.#kv.atomic()
      .check({ key: idx, versionstamp: null })
      .set(["users", user.id], user)
      .set(idx, user.id)
      .commit();
    return res.ok ? user : null;
  }

  async getUser(id: string): Promise<UserRecord | null> {
    return (await this.#kv.get<UserRecord>(["users", id])).value;
  }

  async getUserByName(username: string): Promise<UserRecord | null> {
    const id = (await this.#kv.get<string>(["users_by_name", nameKey(username)])).value;
    return id ? await this.getUser(id) : null;
  }

  async listUsers(): Promise<UserRecord[]> {
    const out: UserRecord[] = [];
    for await (const e of this.#kv.list<UserRecord>({ prefix: ["users"] })) out.push(e.value);
    return out.sort((a, b) => a.username.localeCompare(b.username));
  }

  async setPassword(userId: string, password: PasswordHash): Promise<boolean> {
    for (;;) {
      const cur = await this.#kv.get<UserRecord>(["users", userId]);
      if (!cur.value) return false;
      const res = await this.#kv.atomic().check(cur)
        .set(cur.key, { ...cur.value, password }).commit();
      if (res.ok) return true;
    }
  }

  async removeUser(userId: string): Promise<boolean> {
    const cur = await this.#kv.get<UserRecord>(["users", userId]);
    if (!cur.value) return false;
    await this.#kv.atomic().check(cur).delete(cur.key)
      .delete(["users_by_name", nameKey(cur.value.username)]).commit();
    await this.deleteUserSessions(userId);
    await this.clearLoginAttempts(cur.value.username);
    for (const c of await this.listConversations(userId)) {
      await this.deleteConversation(userId, c.id);
    }
    await deletePrefix(this.#kv, ["reports", userId]);
    await deletePrefix(this.#kv, ["tables", userId]);
    return true;
  }

  async countUsers(): Promise<number> {
    let n = 0;
    for await (const _ of this.#kv.list({ prefix: ["users"] })) n++;
    return n;
  }

  // ---- Sessions ----

  async createSession(tokenHash: string, session: SessionRecord): Promise<void> {
    const expireIn = Math.max(1000, session.expires_at - session.created_at);
    await this.#kv.atomic()
      .set(["sessions", tokenHash], session, { expireIn })
      .set(["sessions_by_user", session.user_id, tokenHash], true, { expireIn })
      .commit();
  }

  async getSession(tokenHash: string, now: Date): Promise<SessionRecord | null> {
    const s = (await this.#kv.get<SessionRecord>(["sessions", tokenHash])).value;
    if (!s) return null;
    const t = now.getTime();
    if (t >= s.expires_at || t >= s.last_seen_at + s.idle_ms) {
      await this.deleteSession(tokenHash);
      return null;
    }
    return s;
  }

  async touchSession(tokenHash: string, now: Date): Promise<void> {
    const cur = await this.#kv.get<SessionRecord>(["sessions", tokenHash]);
    if (!cur.value) return;
    const expireIn = Math.max(1000, cur.value.expires_at - now.getTime());
    await this.#kv.atomic().check(cur)
      .set(cur.key, { ...cur.value, last_seen_at: now.getTime() }, { expireIn })
      .commit();
  }

  async deleteSession(tokenHash: string): Promise<void> {
    const s = (await this.#kv.get<SessionRecord>(["sessions", tokenHash])).value;
    const op = this.#kv.atomic().delete(["sessions", tokenHash]);
    if (s) op.delete(["sessions_by_user", s.user_id, tokenHash]);
    await op.commit();
  }

  async deleteUserSessions(userId: string): Promise<number> {
    let n = 0;
    for await (const e of this.#kv.list({ prefix: ["sessions_by_user", userId] })) {
      const hash = e.key[2] as string;
      await this.#kv.atomic().delete(["sessions", hash]).delete(e.key).commit();
      n++;
    }
    return n;
  }

  // ---- Login attempts ----

  async getLoginAttempts(username: string, now: Date): Promise<LoginAttempts | null> {
    const a = (await this.#kv.get<LoginAttempts>(["login_attempts", nameKey(username)])).value;
    return a && a.reset_at > now.getTime() ? a : null;
  }

  async recordLoginFailure(username: string, now: Date, windowMs: number): Promise<LoginAttempts> {
    const key = ["login_attempts", nameKey(username)];
    for (;;) {
      const cur = await this.#kv.get<LoginAttempts>(key);
      const t = now.getTime();
      const next: LoginAttempts = cur.value && cur.value.reset_at > t
        ? { count: cur.value.count + 1, reset_at: cur.value.reset_at }
        : { count: 1, reset_at: t + windowMs };
      const res = await this.#kv.atomic().check(cur)
        .set(key, next, { expireIn: Math.max(1000, next.reset_at - t) }).commit();
      if (res.ok) return next;
    }
  }

  async clearLoginAttempts(username: string): Promise<void> {
    await this.#kv.delete(["login_attempts", nameKey(username)]);
  }

  async reserveLoginAttempt(limits: LoginAttemptLimits, now: Date): Promise<LoginReservation> {
    const t = now.getTime();
    const counted: { key: Deno.KvKey; max: number; scope: "account" | "address" }[] = [
      {
        key: ["login_attempts", nameKey(limits.username.slice(0, 256))],
        max: limits.maxPerAccount,
        scope: "account",
      },
    ];
    if (limits.address !== null) {
      counted.push({
        key: ["login_attempts_by_address", limits.address],
        max: limits.maxPerAddress,
        scope: "address",
      });
    }
    for (;;) {
      const entries = await this.#kv.getMany<LoginAttempts[]>(counted.map((c) => c.key));
      const op = this.#kv.atomic();
      let refused: { scope: "account" | "address"; retryAfterMs: number } | null = null;
      for (let i = 0; i < counted.length; i++) {
        const c = counted[i];
        const stored = entries[i].value;
        const cur = stored && stored.reset_at > t ? stored : null;
        if (cur && cur.count >= c.max) {
          const retryAfterMs = cur.reset_at - t;
          if (!refused || refused.retryAfterMs < retryAfterMs) {
            refused = { scope: c.scope, retryAfterMs };
          }
          continue;
        }
        const next: LoginAttempts = cur
          ? { count: cur.count + 1, reset_at: cur.reset_at }
          : { count: 1, reset_at: t + limits.windowMs };
        op.check(entries[i]).set(c.key, next, { expireIn: Math.max(1000, next.reset_at - t) });
      }
      if (refused) return { ok: false, ...refused };
      if ((await op.commit()).ok) return { ok: true };
    }
  }

  async settleLoginSuccess(username: string, address: string | null, now: Date): Promise<void> {
    await this.clearLoginAttempts(username.slice(0, 256));
    if (address === null) return;
    const key = ["login_attempts_by_address", address];
    for (;;) {
      const cur = await this.#kv.get<LoginAttempts>(key);
      const t = now.getTime();
      if (!cur.value || cur.value.reset_at <= t) return;
      const op = this.#kv.atomic().check(cur);
      if (cur.value.count <= 1) op.delete(key);
      else {
        op.set(key, { ...cur.value, count: cur.value.count - 1 }, {
          expireIn: Math.max(1000, cur.value.reset_at - t),
        });
      }
      if ((await op.commit()).ok) return;
    }
  }

  // ---- Conversations ----

  async createConversation(owner: string, title: string): Promise<ConversationInfo> {
    const now = this.#now();
    const rec: ConversationRecord = {
      id: newId("c"),
      owner,
      title: title.trim() || DEFAULT_CONVERSATION_TITLE,
      created_at: now,
      updated_at: now,
      message_count: 0,
    };
    await this.#kv.set(["conversations", owner, rec.id], rec);
    return info(rec);
  }

  async getConversation(owner: string, id: string): Promise<ConversationInfo | null> {
    const rec = (await this.#kv.get<ConversationRecord>(["conversations", owner, id])).value;
    return rec ? info(rec) : null;
  }

  async listConversations(owner: string): Promise<ConversationInfo[]> {
    const out: ConversationInfo[] = [];
    for await (
      const e of this.#kv.list<ConversationRecord>({ prefix: ["conversations", owner] })
    ) out.push(info(e.value));
    return out.sort((a, b) =>
      a.updated_at < b.updated_at ? 1 : a.updated_at > b.updated_at ? -1 : a.id < b.id ? 1 : -1
    );
  }

  async renameConversation(owner: string, id: string, title: string): Promise<boolean> {
    for (;;) {
      const cur = await this.#kv.get<ConversationRecord>(["conversations", owner, id]);
      if (!cur.value) return false;
      const res = await this.#kv.atomic().check(cur)
        .set(cur.key, { ...cur.value, title, updated_at: this.#now() }).commit();
      if (res.ok) return true;
    }
  }

  async deleteConversation(owner: string, id: string): Promise<boolean> {
    const cur = await this.#kv.get<ConversationRecord>(["conversations", owner, id]);
    if (!cur.value) return false;
    const res = await this.#kv.atomic().check(cur).delete(cur.key)
      .delete(["summaries", owner, id]).commit();
    if (!res.ok) return await this.deleteConversation(owner, id);
    await deletePrefix(this.#kv, ["messages", owner, id]);
    for await (const e of this.#kv.list({ prefix: ["turns_by_conversation", owner, id] })) {
      const turnId = e.key[3] as string;
      await deletePrefix(this.#kv, ["turn_events", turnId]);
      await this.#kv.atomic().delete(["turns", turnId]).delete(e.key).commit();
    }
    await this.#kv.delete(["running_turns", id]);
    for await (const e of this.#kv.list({ prefix: ["feedback_by_conversation", owner, id] })) {
      await this.#kv.atomic().delete(["feedback", e.key[3] as string]).delete(e.key).commit();
    }
    return true;
  }

  async appendMessage(owner: string, conversationId: string, message: MemoryMessage) {
    for (;;) {
      const cur = await this.#kv.get<ConversationRecord>(["conversations", owner, conversationId]);
      if (!cur.value) {
        throw new Error(`Cannot append a message: conversation ${conversationId} not found`);
      }
      const n = cur.value.message_count;
      const op = this.#kv.atomic().check(cur).set(cur.key, {
        ...cur.value,
        message_count: n + 1,
        updated_at: this.#now(),
      });
      setChunked(op, ["messages", owner, conversationId, n], message);
      if ((await op.commit()).ok) return;
    }
  }

  async listMessages(owner: string, conversationId: string): Promise<MemoryMessage[]> {
    if (!await this.getConversation(owner, conversationId)) return [];
    const rows = await listChunked<MemoryMessage>(this.#kv, {
      prefix: ["messages", owner, conversationId],
    });
    return rows.map((r) => r.value);
  }

  async getSummary(owner: string, conversationId: string) {
    if (!await this.getConversation(owner, conversationId)) return null;
    return (await this.#kv.get<{ text: string; covers: number }>(
      ["summaries", owner, conversationId],
    )).value;
  }

  async setSummary(
    owner: string,
    conversationId: string,
    summary: { text: string; covers: number },
  ): Promise<void> {
    const conv = await this.#kv.get(["conversations", owner, conversationId]);
    if (!conv.value) return;
    const text = summary.text.length > 20_000 ? summary.text.slice(0, 20_000) : summary.text;
    await this.#kv.atomic().check(conv)
      .set(["summaries", owner, conversationId], { text, covers: summary.covers }).commit();
  }

  // ---- Reports ----

  async saveReport(meta: ReportMeta): Promise<void> {
    await deletePrefix(this.#kv, ["reports", meta.owner, meta.id]);
    const op = this.#kv.atomic();
    setChunked(op, ["reports", meta.owner, meta.id], meta);
    const res = await op.commit();
    if (!res.ok) throw new Error(`Cannot save report ${meta.id}`);
  }

  async getReport(owner: string, id: string): Promise<ReportMeta | null> {
    const meta = await getChunked<ReportMeta>(this.#kv, ["reports", owner, id]);
    return meta && meta.owner === owner ? meta : null;
  }

  async listReports(owner: string): Promise<ReportMeta[]> {
    const rows = await listChunked<ReportMeta>(this.#kv, { prefix: ["reports", owner] });
    return rows.map((r) => r.value).sort((a, b) =>
      a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0
    );
  }

  // ---- Tables ----

  async saveTable(meta: TableMeta): Promise<void> {
    await deletePrefix(this.#kv, ["tables", meta.owner, meta.id]);
    const op = this.#kv.atomic();
    setChunked(op, ["tables", meta.owner, meta.id], meta);
    const res = await op.commit();
    if (!res.ok) throw new Error(`Cannot save table ${meta.id}`);
  }

  async getTable(owner: string, id: string): Promise<TableMeta | null> {
    const meta = await getChunked<TableMeta>(this.#kv, ["tables", owner, id]);
    return meta && meta.owner === owner ? meta : null;
  }

  // ---- Feedback ----

  async saveFeedback(feedback: FeedbackInput): Promise<FeedbackRecord | null> {
    const record: FeedbackRecord = { ...feedback, created_at: this.#now() };
    for (;;) {
      const conv = await this.#kv.get(["conversations", feedback.owner, feedback.conversation_id]);
      if (!conv.value) return null;
      const res = await this.#kv.atomic().check(conv)
        .set(["feedback", feedback.turn_id], record)
        .set(
          ["feedback_by_conversation", feedback.owner, feedback.conversation_id, feedback.turn_id],
          true,
        )
        .commit();
      if (res.ok) return record;
    }
  }

  async listFeedback(owner: string, conversationId: string): Promise<FeedbackRecord[]> {
    const out: FeedbackRecord[] = [];
    const prefix = ["feedback_by_conversation", owner, conversationId];
    for await (const e of this.#kv.list({ prefix })) {
      const f = (await this.#kv.get<FeedbackRecord>(["feedback", e.key[3] as string])).value;
      if (f && f.owner === owner) out.push(f);
    }
    return out;
  }

  async listAllFeedback(options: { since?: Date } = {}): Promise<FeedbackRecord[]> {
    const since = options.since?.toISOString() ?? "";
    const out: FeedbackRecord[] = [];
    for await (const e of this.#kv.list<FeedbackRecord>({ prefix: ["feedback"] })) {
      if (e.value.created_at >= since) out.push(e.value);
    }
    return out.sort((a, b) =>
      a.created_at < b.created_at
        ? -1
        : a.created_at > b.created_at
        ? 1
        : a.turn_id < b.turn_id
        ? -1
        : 1
    );
  }

  // ---- Turns ----

  async createTurn(
    t: { id: string; owner: string; conversation_id: string; instance?: string },
    first?: AgentEvent,
    options: { title?: string } = {},
  ): Promise<TurnRecord | "busy" | "not_found"> {
    const [conv, running] = await this.#kv.getMany<[ConversationRecord, string]>([
      ["conversations", t.owner, t.conversation_id],
      ["running_turns", t.conversation_id],
    ]);
    if (!conv.value) return "not_found" as const;
    if (running.value) return "busy" as const;
    const turn: TurnRecord = {
      ...t,
      status: "running",
      created_at: this.#now(),
      finished_at: null,
      last_seq: first ? 1 : 0,
    };
    const retitle = options.title && conv.value.title === DEFAULT_CONVERSATION_TITLE
      ? { ...conv.value, title: options.title, updated_at: this.#now() }
      : null;
    // Group-committed: turns started together share a disk sync.
    const ok = await this.#group.commit({
      checks: [conv, running],
      mutate: (op) => {
        op.set(["turns", t.id], turn)
          .set(["turns_by_conversation", t.owner, t.conversation_id, t.id], true)
          .set(["running_turns", t.conversation_id], t.id);
        if (first) setChunked(op, ["turn_events", t.id, 1], { seq: 1, event: first });
        if (retitle) op.set(conv.key, retitle);
      },
    });
    if (ok) {
      if (first) this.#notify(t.id);
      return turn;
    }
    return await this.createTurn(t, first, options);
  }

  async getTurn(owner: string, turnId: string): Promise<TurnRecord | null> {
    const turn = (await this.#kv.get<TurnRecord>(["turns", turnId])).value;
    return turn && turn.owner === owner ? turn : null;
  }

  appendEvent(
    turnId: string,
    event: AgentEvent,
    options: { finish?: Exclude<TurnStatus, "running"> } = {},
  ): Promise<number> {
    return this.appendEvents(turnId, [event], options);
  }

  async appendEvents(
    turnId: string,
    events: AgentEvent[],
    options: { finish?: Exclude<TurnStatus, "running"> } = {},
  ): Promise<number> {
    for (;;) {
      const cur = await this.#kv.get<TurnRecord>(["turns", turnId]);
      if (!cur.value) throw new Error(`Cannot append an event: turn ${turnId} not found`);
      if (cur.value.status !== "running") throw new TurnEndedError(turnId);
      const first = cur.value.last_seq + 1;
      const next: TurnRecord = { ...cur.value, last_seq: cur.value.last_seq + events.length };
      const checks: Deno.AtomicCheck[] = [cur];
      let running: Deno.KvEntryMaybe<string> | null = null;
      if (options.finish) {
        next.status = options.finish;
        next.finished_at = this.#now();
        running = await this.#kv.get<string>(["running_turns", cur.value.conversation_id]);
        checks.push(running);
      }
      // Group-committed with other turns' events (see kv_group_commit.ts).
      const ok = await this.#group.commit({
        checks,
        mutate: (op) => {
          events.forEach((event, i) =>
            setChunked(op, ["turn_events", turnId, first + i], { seq: first + i, event })
          );
          if (running?.value === turnId) op.delete(running.key);
          if (options.finish) op.delete(["turn_stops", turnId]);
          op.set(cur.key, next);
        },
      });
      if (ok) {
        this.#notify(turnId);
        return next.last_seq;
      }
    }
  }

  async listEvents(turnId: string, afterSeq = 0): Promise<StoredEvent[]> {
    const rows = await listChunked<StoredEvent>(this.#kv, {
      prefix: ["turn_events", turnId],
      start: ["turn_events", turnId, afterSeq + 1],
    });
    return rows.map((r) => r.value);
  }

  async finishTurn(turnId: string, status: Exclude<TurnStatus, "running">): Promise<void> {
    for (;;) {
      const cur = await this.#kv.get<TurnRecord>(["turns", turnId]);
      if (!cur.value) return;
      const running = await this.#kv.get<string>(["running_turns", cur.value.conversation_id]);
      const op = this.#kv.atomic().check(cur).check(running)
        .set(cur.key, { ...cur.value, status, finished_at: this.#now() });
      if (running.value === turnId) op.delete(running.key);
      op.delete(["turn_stops", turnId]);
      if ((await op.commit()).ok) {
        this.#notify(turnId);
        return;
      }
    }
  }

  async beatInstance(instanceId: string, ttlMs: number): Promise<void> {
    const lease: InstanceLease = { id: instanceId, expiresAt: this.#leaseClock() + ttlMs };
    // expireIn only tidies up (lazily); expiresAt is what counts.
    await this.#kv.set(["instances", instanceId], lease, { expireIn: ttlMs * 4 });
  }

  async endInstance(instanceId: string): Promise<void> {
    await this.#kv.delete(["instances", instanceId]);
    await this.#kv.delete(["instance_inbox", instanceId]);
  }

  async instanceAlive(instanceId: string): Promise<boolean> {
    const lease = (await this.#kv.get<InstanceLease>(["instances", instanceId])).value;
    return lease !== null && lease.expiresAt > this.#leaseClock();
  }

  async failOrphanedTurn(turnId: string, message: string): Promise<boolean> {
    for (;;) {
      const cur = await this.#kv.get<TurnRecord>(["turns", turnId]);
      if (!cur.value || cur.value.status !== "running") return false;
      const instance = cur.value.instance;
      const lease = instance ? await this.#kv.get<InstanceLease>(["instances", instance]) : null;
      if (lease?.value && lease.value.expiresAt > this.#leaseClock()) return false;
      const running = await this.#kv.get<string>(["running_turns", cur.value.conversation_id]);
      const seq = cur.value.last_seq + 1;
      const op = this.#kv.atomic().check(cur).check(running);
      if (lease) op.check(lease);
      const event: AgentEvent = { type: "error", code: "internal", message };
      setChunked(op, ["turn_events", turnId, seq], { seq, event });
      op.set(
        cur.key,
        {
          ...cur.value,
          last_seq: seq,
          status: "error",
          finished_at: this.#now(),
        } satisfies TurnRecord,
      );
      if (running.value === turnId) op.delete(running.key);
      op.delete(["turn_stops", turnId]);
      if ((await op.commit()).ok) {
        this.#notify(turnId);
        return true;
      }
    }
  }

  async requestStop(turnId: string, reason: string): Promise<void> {
    const turn = (await this.#kv.get<TurnRecord>(["turns", turnId])).value;
    if (!turn || turn.status !== "running") return;
    const stop: StopRequest = { turn_id: turnId, reason, at: this.#leaseClock() };
    const op = this.#kv.atomic().set(["turn_stops", turnId], stop, { expireIn: 3_600_000 });
    if (turn.instance) op.sum(["instance_inbox", turn.instance], 1n);
    await op.commit();
  }

  async listStops(): Promise<StopRequest[]> {
    const out: StopRequest[] = [];
    for await (const e of this.#kv.list<StopRequest>({ prefix: ["turn_stops"] })) {
      out.push(e.value);
    }
    return out;
  }

  async clearStop(turnId: string): Promise<void> {
    await this.#kv.delete(["turn_stops", turnId]);
  }

  watchInbox(instanceId: string, onSignal: () => void): () => void {
    if (typeof this.#kv.watch !== "function") return () => {};
    const stream = this.#kv.watch([["instance_inbox", instanceId]]);
    const reader = stream.getReader();
    let first = true;
    (async () => {
      for (;;) {
        const { done } = await reader.read();
        if (done) return;
        // The first value is the current one, not a change.
        if (!first) onSignal();
        first = false;
      }
    })().catch(() => {/* the watch ends with the store */});
    return () => {
      reader.cancel().catch(() => {});
    };
  }

  async markFollowed(turnId: string, until: number): Promise<void> {
    const mark: FollowMark = { until };
    await this.#kv.set(["turn_followers", turnId], mark, {
      expireIn: Math.max(1000, until - this.#leaseClock()) * 4,
    });
  }

  async followedUntil(turnId: string): Promise<number> {
    const mark = (await this.#kv.get<FollowMark>(["turn_followers", turnId])).value;
    return mark && mark.until > this.#leaseClock() ? mark.until : 0;
  }

  async getRunningTurnId(owner: string, conversationId: string): Promise<string | null> {
    const id = (await this.#kv.get<string>(["running_turns", conversationId])).value;
    if (!id) return null;
    const turn = await this.getTurn(owner, id);
    return turn && turn.status === "running" ? id : null;
  }

  async listRunningTurns(): Promise<TurnRecord[]> {
    const out: TurnRecord[] = [];
    for await (const e of this.#kv.list<string>({ prefix: ["running_turns"] })) {
      const t = (await this.#kv.get<TurnRecord>(["turns", e.value])).value;
      if (t && t.status === "running") out.push(t);
      else await this.#kv.delete(e.key);
    }
    return out;
  }

  #notify(turnId: string): void {
    wakeAll(this.#waiters, turnId);
  }

  waitForEvents(
    turnId: string,
    afterSeq: number,
    options: {
      signal?: AbortSignal;
      timeoutMs: number;
      remote?: boolean;
      pollMs?: number;
    },
  ): Promise<boolean> {
    const moved = (t: TurnRecord | null) => !t || t.last_seq > afterSeq || t.status !== "running";
    return this.#waitOn({
      waiters: this.#waiters,
      id: turnId,
      key: ["turns", turnId],
      changed: (v) => moved(v as TurnRecord | null),
      // Another process writes the turn: a watch wakes at once where KV can watch other
      // writers (managed KV, KV Connect); the poll covers a shared local file.
      watch: options.remote === true,
      timeoutMs: options.timeoutMs,
      pollMs: options.pollMs ?? this.#pollMs,
      signal: options.signal,
    });
  }

  /**
   * Resolves true once `changed` holds for the value at `key` — seen by an in-process wake
   * on `waiters` (under `id`), a KV watch where `watch` (and KV can watch), or a read every
   * `pollMs` — and false on timeout or abort. After close(), a poll resolves `whenClosed`
   * (undefined: the caller's waiters were woken by close()).
   */
  #waitOn(o: {
    waiters: Map<string, Set<() => void>>;
    id: string;
    key: Deno.KvKey;
    changed: (value: unknown) => boolean;
    watch: boolean;
    timeoutMs: number;
    pollMs: number;
    signal?: AbortSignal;
    whenClosed?: boolean;
  }): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let done = false;
      let set = o.waiters.get(o.id);
      if (!set) o.waiters.set(o.id, set = new Set());
      const finish = (v: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        clearInterval(poll);
        watching?.cancel().catch(() => {});
        o.signal?.removeEventListener("abort", onAbort);
        o.waiters.get(o.id)?.delete(wake);
        resolve(v);
      };
      const wake = () => finish(true);
      const onAbort = () => finish(false);
      const check = async () => {
        if (done) return;
        if (this.#closed) {
          if (o.whenClosed !== undefined) finish(o.whenClosed);
          return;
        }
        try {
          if (o.changed((await this.#kv.get(o.key)).value)) finish(true);
        } catch {
          finish(false);
        }
      };
      set.add(wake);
      const timer = setTimeout(() => finish(false), o.timeoutMs);
      const poll = setInterval(check, o.pollMs);
      let watching: ReadableStreamDefaultReader<Deno.KvEntryMaybe<unknown>[]> | undefined;
      if (o.watch && typeof this.#kv.watch === "function") {
        watching = this.#kv.watch([o.key]).getReader();
        (async () => {
          for (;;) {
            const r = await watching!.read();
            if (r.done || done) return;
            if (o.changed(r.value[0].value)) return finish(true);
          }
        })().catch(() => {/* ends with the wait */});
      }
      if (o.signal?.aborted) return finish(false);
      o.signal?.addEventListener("abort", onAbort, { once: true });
      check();
    });
  }

  // ---- Schedules ----
  // Keys and guarantees: see the Schedules section of the Store interface.

  async saveSchedule(schedule: ScheduleRecord): Promise<void> {
    for (;;) {
      const cur = await this.#kv.get<ScheduleRecord>(["schedules", schedule.id]);
      const op = this.#kv.atomic().check(cur);
      if (cur.value?.next_run_at) op.delete(["schedules_due", cur.value.next_run_at, schedule.id]);
      op.set(["schedules", schedule.id], schedule)
        .set(["schedules_by_owner", schedule.owner, schedule.id], true);
      if (!schedule.paused && schedule.next_run_at) {
        op.set(["schedules_due", schedule.next_run_at, schedule.id], true);
      }
      if ((await op.commit()).ok) return;
    }
  }

  async getSchedule(id: string, owner?: string): Promise<ScheduleRecord | null> {
    const s = (await this.#kv.get<ScheduleRecord>(["schedules", id])).value;
    return s && (owner === undefined || s.owner === owner) ? s : null;
  }

  async listSchedules(owner: string): Promise<ScheduleRecord[]> {
    const out = await this.#listOwned<ScheduleRecord>("schedules", owner);
    return out.sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  /**
   * The records of `owner` in table `table` (keys `[table, id]`), found through the owner
   * index `[table + "_by_owner", owner, id]`, read ten at a time; records whose owner
   * changed since are left out.
   */
  async #listOwned<T extends { owner: string }>(table: string, owner: string): Promise<T[]> {
    const ids: string[] = [];
    for await (const e of this.#kv.list({ prefix: [`${table}_by_owner`, owner] })) {
      ids.push(e.key[2] as string);
    }
    const out: T[] = [];
    for (let i = 0; i < ids.length; i += 10) {
      const got = await this.#kv.getMany<T[]>(ids.slice(i, i + 10).map((id) => [table, id]));
      for (const e of got) if (e.value && e.value.owner === owner) out.push(e.value);
    }
    return out;
  }

  async listAllSchedules(): Promise<ScheduleRecord[]> {
    const out: ScheduleRecord[] = [];
    for await (const e of this.#kv.list<ScheduleRecord>({ prefix: ["schedules"] })) {
      out.push(e.value);
    }
    return out.sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  async listDueSchedules(now: Date, limit = 500): Promise<ScheduleRecord[]> {
    const ids: string[] = [];
    const iter = this.#kv.list({
      start: ["schedules_due"],
      end: ["schedules_due", now.toISOString() + "\u0000"],
    }, { limit });
    for await (const e of iter) ids.push(e.key[2] as string);
    const out: ScheduleRecord[] = [];
    for (const id of ids) {
      const s = await this.getSchedule(id);
      if (s && !s.paused && s.next_run_at && s.next_run_at <= now.toISOString()) out.push(s);
    }
    return out;
  }

  async deleteSchedule(owner: string, id: string): Promise<boolean> {
    for (;;) {
      const cur = await this.#kv.get<ScheduleRecord>(["schedules", id]);
      if (!cur.value || cur.value.owner !== owner) return false;
      const op = this.#kv.atomic().check(cur).delete(cur.key)
        .delete(["schedules_by_owner", owner, id]);
      if (cur.value.next_run_at) op.delete(["schedules_due", cur.value.next_run_at, id]);
      if ((await op.commit()).ok) break;
    }
    await deletePrefix(this.#kv, ["schedule_runs", id]);
    return true;
  }

  async claimScheduledRun(
    opts: { id: string; dueAt: string; nextRunAt: string; run: ScheduleRun },
  ): Promise<boolean> {
    const claimKey = ["schedule_claims", opts.id, opts.dueAt];
    const [cur, claim] = await this.#kv.getMany<[ScheduleRecord, string]>([
      ["schedules", opts.id],
      claimKey,
    ]);
    const s = cur.value;
    if (!s || s.paused || s.next_run_at !== opts.dueAt || claim.value !== null) return false;
    const message: ScheduleRunMessage = {
      kind: "schedule_run",
      schedule_id: opts.id,
      run_id: opts.run.id,
      attempt: 1,
    };
    const res = await this.#kv.atomic()
      .check(cur)
      .check({ key: claimKey, versionstamp: null })
      .set(claimKey, opts.run.id, { expireIn: 35 * 86_400_000 })
      .set(cur.key, { ...s, next_run_at: opts.nextRunAt, last_run_at: opts.dueAt })
      .delete(["schedules_due", opts.dueAt, opts.id])
      .set(["schedules_due", opts.nextRunAt, opts.id], true)
      .set(["schedule_runs", opts.id, opts.run.id], opts.run)
      .enqueue(message)
      .commit();
    return res.ok;
  }

  async queueManualRun(run: ScheduleRun): Promise<boolean> {
    const cur = await this.#kv.get<ScheduleRecord>(["schedules", run.schedule_id]);
    if (!cur.value) return false;
    const message: ScheduleRunMessage = {
      kind: "schedule_run",
      schedule_id: run.schedule_id,
      run_id: run.id,
      attempt: 1,
    };
    const res = await this.#kv.atomic()
      .check({ key: ["schedule_runs", run.schedule_id, run.id], versionstamp: null })
      .set(["schedule_runs", run.schedule_id, run.id], run)
      .enqueue(message)
      .commit();
    return res.ok;
  }

  async getScheduleRun(scheduleId: string, runId: string): Promise<ScheduleRun | null> {
    return (await this.#kv.get<ScheduleRun>(["schedule_runs", scheduleId, runId])).value;
  }

  async listScheduleRuns(scheduleId: string, limit = 100): Promise<ScheduleRun[]> {
    const out: ScheduleRun[] = [];
    for await (const e of this.#kv.list<ScheduleRun>({ prefix: ["schedule_runs", scheduleId] })) {
      out.push(e.value);
    }
    return out.sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id))
      .slice(0, limit);
  }

  async startRunAttempt(
    opts: { scheduleId: string; runId: string; attempt: number; at: Date },
  ): Promise<ScheduleRun | null> {
    for (;;) {
      const cur = await this.#kv.get<ScheduleRun>(["schedule_runs", opts.scheduleId, opts.runId]);
      const run = cur.value;
      if (!run || run.finished_at !== null) return null;
      if (run.attempts.some((a) => a.n >= opts.attempt)) return null;
      const next: ScheduleRun = {
        ...run,
        status: "sending",
        attempts: [...run.attempts, {
          n: opts.attempt,
          at: opts.at.toISOString(),
          status: "sending",
        }],
      };
      if ((await this.#kv.atomic().check(cur).set(cur.key, next).commit()).ok) return next;
    }
  }

  async finishRunAttempt(opts: {
    scheduleId: string;
    runId: string;
    attempt: number;
    at: Date;
    status: "sent" | "inbox" | "failed";
    reason?: string;
    deliveredTo?: string[];
    periodLabel?: string | null;
    retryDelayMs?: number;
  }): Promise<ScheduleRun | null> {
    for (;;) {
      const cur = await this.#kv.get<ScheduleRun>(["schedule_runs", opts.scheduleId, opts.runId]);
      const run = cur.value;
      if (!run) return null;
      const at = opts.at.toISOString();
      const retry = opts.status === "failed" && opts.retryDelayMs !== undefined;
      const next: ScheduleRun = {
        ...run,
        status: retry ? "retrying" : opts.status,
        attempts: run.attempts.map((a) =>
          a.n === opts.attempt
            ? {
              ...a,
              status: opts.status,
              finished_at: at,
              ...(opts.reason ? { reason: opts.reason } : {}),
            }
            : a
        ),
        finished_at: retry ? null : at,
      };
      if (opts.deliveredTo) next.delivered_to = opts.deliveredTo;
      if (opts.periodLabel !== undefined) next.period_label = opts.periodLabel;
      const op = this.#kv.atomic().check(cur).set(cur.key, next);
      if (retry) {
        const message: ScheduleRunMessage = {
          kind: "schedule_run",
          schedule_id: opts.scheduleId,
          run_id: opts.runId,
          attempt: opts.attempt + 1,
        };
        op.enqueue(message, { delay: Math.max(0, opts.retryDelayMs!) });
      }
      if ((await op.commit()).ok) return next;
    }
  }

  async addInboxItem(item: InboxItem): Promise<void> {
    await this.#kv.set(["inbox", item.owner, item.id], item);
  }

  async listInbox(owner: string): Promise<InboxItem[]> {
    const out: InboxItem[] = [];
    for await (const e of this.#kv.list<InboxItem>({ prefix: ["inbox", owner] })) {
      out.push(e.value);
    }
    return out.sort((a, b) => b.created_at.localeCompare(a.created_at));
  }

  async getInboxItem(owner: string, id: string): Promise<InboxItem | null> {
    const item = (await this.#kv.get<InboxItem>(["inbox", owner, id])).value;
    return item && item.owner === owner ? item : null;
  }

  listenScheduleRuns(handler: (message: ScheduleRunMessage) => Promise<void>): Promise<void> {
    return this.#kv.listenQueue(async (m: unknown) => {
      if (isScheduleRunMessage(m)) await handler(m);
    });
  }
  // ---- end of Schedules ----

  // ---- Alerts and notifications ----
  // Keys and guarantees: see the Alerts and notifications section of the Store interface.
  #noteWaiters = new Map<string, Set<() => void>>();

  #wakeNotes(owner: string): void {
    wakeAll(this.#noteWaiters, owner);
  }

  async saveAlert(rule: AlertRuleRecord): Promise<void> {
    await this.#kv.atomic()
      .set(["alerts", rule.id], rule)
      .set(["alerts_by_owner", rule.owner, rule.id], true)
      .commit();
  }

  async getAlert(id: string, owner?: string): Promise<AlertRuleRecord | null> {
    const r = (await this.#kv.get<AlertRuleRecord>(["alerts", id])).value;
    return r && (owner === undefined || r.owner === owner) ? r : null;
  }

  async listAlerts(owner: string): Promise<AlertRuleRecord[]> {
    const out = await this.#listOwned<AlertRuleRecord>("alerts", owner);
    return out.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  }

  async listAllAlerts(): Promise<AlertRuleRecord[]> {
    const out: AlertRuleRecord[] = [];
    for await (const e of this.#kv.list<AlertRuleRecord>({ prefix: ["alerts"] })) {
      out.push(e.value);
    }
    return out;
  }

  async deleteAlert(owner: string, id: string): Promise<boolean> {
    for (;;) {
      const cur = await this.#kv.get<AlertRuleRecord>(["alerts", id]);
      if (!cur.value || cur.value.owner !== owner) return false;
      const res = await this.#kv.atomic().check(cur).delete(cur.key)
        .delete(["alerts_by_owner", owner, id])
        .delete(["alert_state", id])
        .commit();
      if (res.ok) break;
    }
    await deletePrefix(this.#kv, ["alert_firings", id]);
    return true;
  }

  async getAlertState(
    id: string,
  ): Promise<{ state: AlertStateRecord | null; versionstamp: string | null }> {
    const e = await this.#kv.get<AlertStateRecord>(["alert_state", id]);
    return { state: e.value, versionstamp: e.versionstamp };
  }

  async transitionAlert(opts: {
    ruleId: string;
    versionstamp: string | null;
    state: AlertStateRecord;
    firing?: AlertFiringRecord;
    notification?: NotificationRecord | null;
  }): Promise<boolean> {
    const op = this.#kv.atomic()
      .check({ key: ["alert_state", opts.ruleId], versionstamp: opts.versionstamp })
      .set(["alert_state", opts.ruleId], opts.state);
    const f = opts.firing;
    if (f) {
      op.set(["alert_firings", f.rule_id, f.id], f);
      for (const d of f.deliveries) {
        op.set(["alert_deliveries_due", f.fired_at, f.rule_id, f.id, d.channel], true);
      }
    }
    const n = opts.notification;
    if (n) {
      op.set(["notifications", n.owner, n.id], n)
        .set(["notifications_unread", n.owner, n.id], true)
        .sum(["notifications_signal", n.owner], 1n);
    }
    const ok = (await op.commit()).ok;
    if (ok && n) this.#wakeNotes(n.owner);
    return ok;
  }

  async getAlertFiring(ruleId: string, firingId: string): Promise<AlertFiringRecord | null> {
    return (await this.#kv.get<AlertFiringRecord>(["alert_firings", ruleId, firingId])).value;
  }

  async listAlertFirings(ruleId: string, limit = 100): Promise<AlertFiringRecord[]> {
    const out: AlertFiringRecord[] = [];
    const iter = this.#kv.list<AlertFiringRecord>({ prefix: ["alert_firings", ruleId] }, {
      reverse: true,
      limit,
    });
    for await (const e of iter) out.push(e.value);
    return out;
  }

  async listDueAlertDeliveries(now: Date, limit = 200): Promise<DueAlertDeliveryRecord[]> {
    const out: DueAlertDeliveryRecord[] = [];
    const iter = this.#kv.list({
      start: ["alert_deliveries_due"],
      end: ["alert_deliveries_due", now.toISOString() + "\u0000"],
    }, { limit });
    for await (const e of iter) {
      const [, due_at, rule_id, firing_id, channel] = e.key as string[];
      out.push({
        due_at,
        rule_id,
        firing_id,
        channel: channel as DueAlertDeliveryRecord["channel"],
      });
    }
    return out;
  }

  async claimAlertDelivery(
    due: DueAlertDeliveryRecord,
    opts: { at: Date; leaseUntil: Date },
  ): Promise<{ firing: AlertFiringRecord; attempt: number } | null> {
    const dueKey = ["alert_deliveries_due", due.due_at, due.rule_id, due.firing_id, due.channel];
    const [cur, mark] = await this.#kv.getMany<[AlertFiringRecord, true]>([
      ["alert_firings", due.rule_id, due.firing_id],
      dueKey,
    ]);
    const firing = cur.value;
    const d = firing?.deliveries.find((x) => x.channel === due.channel);
    if (!firing || !d || d.next_at === null) {
      if (mark.versionstamp) await this.#kv.atomic().check(mark).delete(dueKey).commit();
      return null;
    }
    if (!mark.versionstamp || d.next_at !== due.due_at) return null;
    const attempt = d.attempts.length + 1;
    const lease = opts.leaseUntil.toISOString();
    const next: AlertFiringRecord = {
      ...firing,
      deliveries: firing.deliveries.map((x) =>
        x.channel === due.channel
          ? {
            ...x,
            status: "sending",
            next_at: lease,
            attempts: [...x.attempts, { n: attempt, at: opts.at.toISOString(), status: "sending" }],
          }
          : x
      ),
    };
    const res = await this.#kv.atomic().check(cur).check(mark)
      .set(cur.key, next)
      .delete(dueKey)
      .set(["alert_deliveries_due", lease, due.rule_id, due.firing_id, due.channel], true)
      .commit();
    return res.ok ? { firing: next, attempt } : null;
  }

  async finishAlertDelivery(opts: {
    ruleId: string;
    firingId: string;
    channel: DueAlertDeliveryRecord["channel"];
    attempt: number;
    at: Date;
    status: "sent" | "failed";
    reason?: string;
    retryAt?: Date | null;
  }): Promise<AlertFiringRecord | null> {
    for (;;) {
      const cur = await this.#kv.get<AlertFiringRecord>([
        "alert_firings",
        opts.ruleId,
        opts.firingId,
      ]);
      const firing = cur.value;
      const d = firing?.deliveries.find((x) => x.channel === opts.channel);
      if (!firing || !d) return null;
      const at = opts.at.toISOString();
      const retry = opts.status === "failed" && opts.retryAt ? opts.retryAt.toISOString() : null;
      const op = this.#kv.atomic().check(cur);
      if (d.next_at) {
        op.delete(["alert_deliveries_due", d.next_at, opts.ruleId, opts.firingId, opts.channel]);
      }
      if (retry) {
        op.set(["alert_deliveries_due", retry, opts.ruleId, opts.firingId, opts.channel], true);
      }
      const next: AlertFiringRecord = {
        ...firing,
        deliveries: firing.deliveries.map((x) =>
          x.channel === opts.channel
            ? {
              ...x,
              status: retry ? "retrying" : opts.status,
              next_at: retry,
              attempts: x.attempts.map((a) =>
                a.n === opts.attempt
                  ? {
                    ...a,
                    status: opts.status,
                    finished_at: at,
                    ...(opts.reason ? { reason: opts.reason } : {}),
                  }
                  : a
              ),
            }
            : x
        ),
      };
      if ((await op.set(cur.key, next).commit()).ok) return next;
    }
  }

  async addNotification(n: NotificationRecord): Promise<void> {
    await this.#kv.atomic()
      .set(["notifications", n.owner, n.id], n)
      .set(["notifications_unread", n.owner, n.id], true)
      .sum(["notifications_signal", n.owner], 1n)
      .commit();
    this.#wakeNotes(n.owner);
  }

  async listNotifications(
    owner: string,
    opts: { limit?: number; after?: string } = {},
  ): Promise<NotificationRecord[]> {
    const limit = Math.max(1, Math.min(opts.limit ?? 50, 500));
    const out: NotificationRecord[] = [];
    const iter = opts.after
      ? this.#kv.list<NotificationRecord>({
        start: ["notifications", owner, opts.after + "\u0000"],
        end: ["notifications", owner, "\uffff"],
      }, { limit })
      : this.#kv.list<NotificationRecord>({ prefix: ["notifications", owner] }, {
        reverse: true,
        limit,
      });
    for await (const e of iter) if (e.value.owner === owner) out.push(e.value);
    return out;
  }

  async countUnreadNotifications(owner: string): Promise<number> {
    let n = 0;
    const iter = this.#kv.list({ prefix: ["notifications_unread", owner] }, { limit: 10_000 });
    for await (const _ of iter) n++;
    return n;
  }

  async markNotificationsRead(owner: string, ids: string[] | "all", at: Date): Promise<number> {
    let unread: string[] = [];
    if (ids === "all") {
      for await (const e of this.#kv.list({ prefix: ["notifications_unread", owner] })) {
        unread.push(e.key[2] as string);
      }
    } else unread = [...new Set(ids)];
    let marked = 0;
    for (let i = 0; i < unread.length; i += 50) {
      const batch = unread.slice(i, i + 50);
      for (;;) {
        const entries = await Promise.all(
          batch.map((id) => this.#kv.get<NotificationRecord>(["notifications", owner, id])),
        );
        const op = this.#kv.atomic();
        let n = 0;
        for (const e of entries) {
          if (!e.value || e.value.read_at !== null) continue;
          op.check(e).set(e.key, { ...e.value, read_at: at.toISOString() })
            .delete(["notifications_unread", owner, e.value.id]);
          n++;
        }
        if (n === 0) break;
        op.sum(["notifications_signal", owner], 1n);
        if ((await op.commit()).ok) {
          marked += n;
          break;
        }
      }
    }
    if (marked > 0) this.#wakeNotes(owner);
    return marked;
  }

  async notificationSignal(owner: string): Promise<bigint> {
    const v = (await this.#kv.get<Deno.KvU64>(["notifications_signal", owner])).value;
    return v ? v.value : 0n;
  }

  waitForNotifications(
    owner: string,
    seen: bigint,
    opts: { signal?: AbortSignal; timeoutMs: number; pollMs?: number },
  ): Promise<boolean> {
    return this.#waitOn({
      waiters: this.#noteWaiters,
      id: owner,
      key: ["notifications_signal", owner],
      changed: (v) => ((v as Deno.KvU64 | null)?.value ?? 0n) !== seen,
      // Other instances' writers: a watch wakes at once where KV sees them (managed KV,
      // KV Connect); the poll covers a local file shared by processes.
      watch: true,
      timeoutMs: opts.timeoutMs,
      pollMs: Math.min(opts.pollMs ?? this.#pollMs, 1000),
      signal: opts.signal,
      whenClosed: false,
    });
  }
  // ---- end of Alerts and notifications ----

  // ---- Team: roles, shares, audit ----

  async updateUser(
    userId: string,
    patch: { role?: UserRole; disabled?: boolean },
  ): Promise<"ok" | "not_found" | "last_admin"> {
    const activeAdmin = (u: UserRecord) => u.role === "admin" && !u.disabled;
    for (;;) {
      const entries: Deno.KvEntry<UserRecord>[] = [];
      for await (const e of this.#kv.list<UserRecord>({ prefix: ["users"] })) entries.push(e);
      const target = entries.find((e) => e.value.id === userId);
      if (!target) return "not_found";
      const next: UserRecord = { ...target.value };
      if (patch.role !== undefined) next.role = patch.role;
      if (patch.disabled !== undefined) {
        if (patch.disabled) next.disabled = true;
        else delete next.disabled;
      }
      const admins = entries.filter((e) => activeAdmin(e.value)).length;
      const after = admins - (activeAdmin(target.value) ? 1 : 0) + (activeAdmin(next) ? 1 : 0);
      if (activeAdmin(target.value) && after === 0) return "last_admin";
      const op = this.#kv.atomic();
      for (const e of entries) if (e === target || activeAdmin(e.value)) op.check(e);
      op.set(target.key, next);
      if ((await op.commit()).ok) return "ok";
    }
  }

  async recordLogin(userId: string, at: Date): Promise<void> {
    for (;;) {
      const cur = await this.#kv.get<UserRecord>(["users", userId]);
      if (!cur.value) return;
      const res = await this.#kv.atomic().check(cur)
        .set(cur.key, { ...cur.value, last_login_at: at.toISOString() }).commit();
      if (res.ok) return;
    }
  }

  async shareConversation(share: ShareRecord): Promise<boolean> {
    for (;;) {
      const conv = await this.#kv.get(["conversations", share.owner, share.conversation_id]);
      if (!conv.value) return false;
      const res = await this.#kv.atomic().check(conv)
        .set(["shares", share.owner, share.conversation_id, share.user_id], share)
        .set(["shares_by_user", share.user_id, share.conversation_id], share)
        .commit();
      if (res.ok) return true;
    }
  }

  async unshareConversation(
    owner: string,
    conversationId: string,
    userId: string,
  ): Promise<boolean> {
    const key = ["shares", owner, conversationId, userId];
    const cur = await this.#kv.get<ShareRecord>(key);
    await this.#kv.atomic().delete(key).delete(["shares_by_user", userId, conversationId])
      .commit();
    return cur.value !== null;
  }

  async listConversationShares(owner: string, conversationId: string): Promise<ShareRecord[]> {
    const out: ShareRecord[] = [];
    for await (
      const e of this.#kv.list<ShareRecord>({ prefix: ["shares", owner, conversationId] })
    ) out.push(e.value);
    return out.sort((a, b) => a.username.localeCompare(b.username));
  }

  async getShareFor(userId: string, conversationId: string): Promise<ShareRecord | null> {
    const share = (await this.#kv.get<ShareRecord>(["shares_by_user", userId, conversationId]))
      .value;
    if (!share) return null;
    // A share outlives nothing: the conversation must still exist.
    return await this.getConversation(share.owner, conversationId) ? share : null;
  }

  async listSharedWith(userId: string): Promise<ShareRecord[]> {
    const out: ShareRecord[] = [];
    for await (const e of this.#kv.list<ShareRecord>({ prefix: ["shares_by_user", userId] })) {
      if (await this.getConversation(e.value.owner, e.value.conversation_id)) out.push(e.value);
    }
    return out.sort((a, b) =>
      a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0
    );
  }

  async deleteConversationShares(owner: string, conversationId: string): Promise<void> {
    for (const s of await this.listConversationShares(owner, conversationId)) {
      await this.unshareConversation(owner, conversationId, s.user_id);
    }
  }

  async deleteUserShares(userId: string): Promise<void> {
    for await (const e of this.#kv.list<ShareRecord>({ prefix: ["shares_by_user", userId] })) {
      await this.unshareConversation(e.value.owner, e.value.conversation_id, userId);
    }
    for await (const e of this.#kv.list<ShareRecord>({ prefix: ["shares", userId] })) {
      await this.unshareConversation(userId, e.value.conversation_id, e.value.user_id);
    }
  }

  async turnConversation(
    turnId: string,
  ): Promise<{ owner: string; conversation_id: string } | null> {
    const t = (await this.#kv.get<TurnRecord>(["turns", turnId])).value;
    return t ? { owner: t.owner, conversation_id: t.conversation_id } : null;
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    const ms = new Date(entry.at).getTime();
    const op = this.#kv.atomic().set(["audit", ms, entry.id], entry);
    if (entry.user_id) op.set(["audit_by_user", entry.user_id, ms, entry.id], entry);
    await op.commit();
  }

  async listAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const limit = query.limit ?? 200;
    const base = query.userId ? ["audit_by_user", query.userId] : ["audit"];
    const start = query.from ? [...base, query.from.getTime()] : null;
    const end = query.to ? [...base, query.to.getTime()] : null;
    // KV takes a prefix with one bound, or two bounds.
    const selector: Deno.KvListSelector = start && end
      ? { start, end }
      : start
      ? { prefix: base, start }
      : end
      ? { prefix: base, end }
      : { prefix: base };
    const out: AuditEntry[] = [];
    for await (const e of this.#kv.list<AuditEntry>(selector, { reverse: true })) {
      if (query.kind && e.value.kind !== query.kind) continue;
      out.push(e.value);
      if (out.length >= limit) break;
    }
    return out;
  }
  // ---- end of Team ----

  async ping(): Promise<void> {
    await this.#kv.get(["health"]);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const set of this.#waiters.values()) for (const wake of set) wake();
    this.#waiters.clear();
    this.#kv.close();
  }
}

/** Wakes (and forgets) everything waiting in `waiters` under `id`. */
function wakeAll(waiters: Map<string, Set<() => void>>, id: string): void {
  const set = waiters.get(id);
  if (!set) return;
  waiters.delete(id);
  for (const wake of set) wake();
}

function info(rec: ConversationRecord): ConversationInfo {
  return {
    id: rec.id,
    owner: rec.owner,
    title: rec.title,
    created_at: rec.created_at,
    updated_at: rec.updated_at,
  };
}

// ---- Alerts and notifications ----
// The records of `lib/alerts/types.ts`, named here for the Store interface.
type AlertRuleRecord = import("./alerts/types.ts").AlertRule;
type AlertStateRecord = import("./alerts/types.ts").AlertState;
type AlertFiringRecord = import("./alerts/types.ts").AlertFiring;
type DueAlertDeliveryRecord = import("./alerts/types.ts").DueAlertDelivery;
type NotificationRecord = import("./alerts/types.ts").Notification;
// ---- end of Alerts and notifications ----

// ---- Team: roles, shares, audit ----
/** What a user may do: admins manage users and read the audit log. */
export type UserRole = "admin" | "supervisor";

/** A conversation shared read-only with a teammate. */
export interface ShareRecord {
  owner: string;
  owner_username: string;
  conversation_id: string;
  /** The teammate's id and name. */
  user_id: string;
  username: string;
  /** ISO instant. */
  created_at: string;
}

/** One audit log entry (append-only). */
export interface AuditEntry {
  /** Random id (`a_…`). */
  id: string;
  /** ISO instant. */
  at: string;
  /** `login`, `login_failed`, `logout`, `report_download`, `share`, `user_add`… */
  kind: string;
  /** Who did it (null: unknown, e.g. a failed sign-in with an unknown name). */
  user_id: string | null;
  username: string | null;
  /** The client's address, when known. */
  address?: string | null;
  /** What it was done to (a report id, a username, a conversation id…). */
  target?: string;
  /** Anything else worth keeping, in words. */
  detail?: string;
}

/** Filters of {@linkcode Store.listAudit}. */
export interface AuditQuery {
  /** Entries at or after this instant. */
  from?: Date;
  /** Entries before this instant. */
  to?: Date;
  userId?: string;
  kind?: string;
  /** At most this many (default 200). */
  limit?: number;
}
// ---- end of Team ----
