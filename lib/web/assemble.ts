/**
 * Wires the whole app from a configuration: KV store and demo user, data client, model
 * provider, agent runner, report exporter and the islands app. `main.ts` serves what it
 * returns; the browser tests start the same wiring in process.
 */
import { clock, type Config } from "../config.ts";
import { openDataClient, openLazyDataClient } from "../agent/data_source.ts";
import { type VocabularyCache, warmVocabulary } from "../agent/offline/vocabulary.ts";
import { createProvider } from "../agent/provider.ts";
import type { ModelProvider } from "../agent/types.ts";
import { ensureDemoUser } from "../auth/users.ts";
import type { DataClient } from "../data/types.ts";
import { type Store, storeOver } from "../kv.ts";
import { openConfiguredKv } from "../kv_connect.ts";
import { exportReport } from "../reports/excel.ts";
import { startScheduleRunner } from "../schedules/runner.ts";
import { startAlertEvaluator } from "../alerts/evaluate.ts";
import { audit } from "../audit/audit.ts";
import { agentRunner } from "./agent_runner.ts";
import { createApp } from "./app.ts";
import type { BuildManifest, Manifest } from "./types.ts";

/** Options of {@linkcode assembleApp}. */
export interface AssembleOptions {
  /** Routes and islands: the app's `fresh.gen.ts` (the framework layer does not import it). */
  manifest: Manifest;
  /** Wraps the configured model (tests add latency). */
  wrapProvider?: (provider: ModelProvider) => ModelProvider;
  buildManifest?: BuildManifest | null;
  log?: (message: string, error?: unknown) => void;
  /**
   * Open the data source in the background: the app is returned (and can serve its login
   * page) while the data opens, and what needs data waits for it (`lib/data/lazy_client.ts`).
   * An opening failure is logged and retried at the next use instead of failing the start.
   * Default: on Deno Deploy (`config.deploy`), where the demo data is generated once per
   * instance; elsewhere the start waits, and fails when the data cannot be opened.
   */
  lazyData?: boolean;
}

/** The assembled app and what it holds open. */
export interface AssembledApp {
  /** The app; `info` (the connection) gives the client address to login limits. */
  fetch: (request: Request, info?: Deno.ServeHandlerInfo) => Response | Promise<Response>;
  store: Store;
  data: DataClient;
  provider: ModelProvider;
  /** "Demo login: demo / demo123" while the demo password works, else null. */
  demoLine: string | null;
  close(): Promise<void>;
}

/** Thrown when a part of the app cannot start; the message says which and why. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartupError";
  }
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Writes the audit entry of a schedule or alert created or deleted from the chat. */
async function auditChatChange(
  app: { store: Store; log: (message: string, error?: unknown) => void },
  c: { owner: string; what: "schedule" | "alert"; kind: "create" | "delete"; id: string },
): Promise<void> {
  const user = await app.store.getUser(c.owner).catch(() => null);
  await audit({ store: app.store, clock: () => new Date(), log: app.log }, {
    kind: `${c.what}_${c.kind}`,
    user: user ? { id: user.id, username: user.username } : { id: c.owner, username: c.owner },
    target: c.id,
    detail: "from the chat",
  });
}

/** Opens every part of the app from `config`, closing what was opened if a later part fails. */
export async function assembleApp(
  config: Config,
  options: AssembleOptions,
): Promise<AssembledApp> {
  const kv = await openConfiguredKv(config).catch((e) => {
    throw new StartupError(reason(e));
  });
  const store = storeOver(kv);
  let data: DataClient | undefined;
  let vocabulary: VocabularyCache | undefined;
  try {
    const demoLine = await ensureDemoUser(store, config.auth).catch((e) => {
      throw new StartupError(reason(e));
    });
    const now = clock(config);
    const openData = () => openDataClient(config, { tz: config.tz, now: now() });
    const lazy = options.lazyData ?? config.deploy ?? false;
    data = lazy
      ? openLazyDataClient(openData, {
        database: config.mcp.database,
        onError: (e) => {
          const message = `Cannot open the data source (tried again at the next use): ${reason(e)}`;
          if (options.log) options.log(message, e);
          else console.error(message);
        },
      })
      : await openData().catch((e) => {
        throw new StartupError(`Cannot open the data source: ${reason(e)}`);
      });
    // The planner's names from the data, read in the background and kept up to date.
    vocabulary = warmVocabulary(data, { log: options.log });
    let provider = createProvider(config, { tz: config.tz, now, client: data });
    if (options.wrapProvider) provider = options.wrapProvider(provider);
    const app = await createApp({
      config,
      store,
      data,
      exportReport,
      manifest: options.manifest,
      buildManifest: options.buildManifest,
      log: options.log,
      runner: agentRunner({
        provider,
        client: data,
        conversations: store,
        reports: store,
        config: {
          tz: config.tz,
          now,
          maxToolRounds: config.model.maxToolRounds,
          contextTokenBudget: config.model.contextTokenBudget,
          modelTimeoutMs: config.model.timeoutMs,
          toolTimeoutMs: config.mcp.timeoutMs,
        },
      }, {
        allowedDomains: config.mail?.allowedDomains ?? [],
        allowPrivateWebhooks: config.alerts?.webhookAllowPrivate ?? false,
        // Schedules and alerts changed from the chat are audited like the pages' changes.
        onChange: (c) =>
          auditChatChange({
            store,
            log: options.log ?? ((m, e) => console.error(m, e ?? "")),
          }, c),
      }),
    });
    const client = data;
    const names = vocabulary;
    // Scheduled reports: the minute tick and the queue listener (lib/schedules/runner.ts).
    const schedules = startScheduleRunner({ config, store, data, log: options.log });
    // KPI alerts: evaluated every minute, firings delivered (lib/alerts/evaluate.ts).
    const alerts = startAlertEvaluator({ config, store, data, clock: now, log: options.log });
    return {
      fetch: app.fetch,
      store,
      data: client,
      provider,
      demoLine,
      async close() {
        await schedules.close();
        await alerts.close();
        await app.close();
        names.close();
        await client.close().catch(() => {});
        store.close();
      },
    };
  } catch (e) {
    vocabulary?.close();
    await data?.close().catch(() => {});
    store.close();
    throw e;
  }
}
