/**
 * Configuration from the environment (and a `.env` file beside the app, when present).
 * Every variable is documented in `.env.example`. Invalid values fail at start with a
 * message that names the variable.
 */
import { parse as parseDotenv } from "dotenv";
import { isValidTimeZone } from "./time/zone.ts";
import { trustedProxiesProblem } from "./auth/client_address.ts";
import { passwordProblem } from "./auth/users.ts";
import { onDeploy } from "./runtime.ts";

export { isValidTimeZone };

/** Where the MongoDB MCP tools come from. */
export type McpMode = "embedded" | "http" | "stdio";
/** Which model answers. `auto`: OpenAI when a key is set, else offline. */
export type ModelProviderName = "offline" | "openai" | "auto";

/**
 * Where the app's Deno KV is: a local file or `:memory:` (`KV_PATH`, the single-machine
 * default `./data/app.kv`), a remote KV over KV Connect such as a self-hosted `denokv`
 * (`KV_URL`, with `DENO_KV_ACCESS_TOKEN`), or Deno Deploy's managed KV (on Deploy when
 * neither is set). `lib/kv_connect.ts` opens it.
 */
export type KvLocation =
  | { kind: "path"; path: string }
  | { kind: "url"; url: string; accessToken: string }
  | { kind: "managed" };

/** The KV file of a single machine, when neither `KV_PATH` nor `KV_URL` is set. */
export const DEFAULT_KV_PATH = "./data/app.kv";

/** Generated demo data on Deno Deploy: 60 days of 350 calls (21,000), sized for an isolate. */
export const DEPLOY_DEMO_CALLS_PER_DAY = 350;

/** The app's configuration. */
export interface Config {
  port: number;
  /** The app's KV store. */
  kv: KvLocation;
  /** Running on Deno Deploy (`DENO_DEPLOYMENT_ID` set); absent means not. */
  deploy?: boolean;
  /** IANA business time zone. */
  tz: string;
  /** Frozen clock, when set. */
  now: Date | null;
  mcp: {
    mode: McpMode;
    url: string | null;
    token: string | null;
    command: string | null;
    database: string;
    timeoutMs: number;
    /** Timeout of the first connection (a stdio server's first `npx` install is slow). */
    connectTimeoutMs?: number;
    /** Deadline of one embedded-server query, like MongoDB's `maxTimeMS`. */
    maxTimeMs?: number;
  };
  /** mongoexport files for the embedded server; null = generated demo data. */
  dataDir: string | null;
  /**
   * Run the embedded server in a Web Worker, off the HTTP event loop (`DATA_WORKER`,
   * default on; in process where workers are unavailable). Absent means on.
   */
  dataWorker?: boolean;
  demoData: { days: number; callsPerDay: number; seed: number };
  model: {
    provider: ModelProviderName;
    apiKey: string | null;
    baseUrl: string | null;
    name: string;
    temperature: number | null;
    reasoningEffort: "minimal" | "low" | "medium" | "high" | null;
    timeoutMs: number;
    maxRetries: number;
    maxToolRounds: number;
    contextTokenBudget: number;
    /**
     * Speech-to-text model of voice input (`OPENAI_TRANSCRIBE_MODEL`, default `whisper-1`),
     * called at the OpenAI-compatible `/audio/transcriptions`. Absent: `whisper-1`.
     */
    transcribeModel?: string;
  };
  auth: {
    /** The demo account's name; null when it is off (`DEMO_USER=off`, or empty). */
    demoUser: string | null;
    demoPassword: string;
    /**
     * With the demo account off: the account an earlier start may have created, and the
     * demo passwords it may still have; its password is turned off at start. Absent or
     * null: nothing to turn off.
     */
    retiredDemo?: { username: string; passwords: string[] } | null;
    sessionIdleMinutes: number;
    sessionMaxHours: number;
    /** "auto": Secure when the request came over HTTPS. */
    cookieSecure: "auto" | "always" | "never";
    loginMaxAttempts: number;
    loginWindowMinutes: number;
    /** Failed logins allowed per client address in the window (any accounts). */
    loginMaxAttemptsPerAddress: number;
    /** Password hashes run at once at login; more wait in a queue of `loginQueue`. */
    loginConcurrency: number;
    loginQueue: number;
  };
  /** Extra origins allowed on state-changing requests (besides the request's own). */
  allowedOrigins: string[];
  /**
   * Proxies whose `X-Forwarded-For` names the client (IPs, CIDR ranges, `loopback`…);
   * empty: the client is the connection's address.
   */
  trustedProxies: string[];
  /**
   * Turns whose planning and answering run at once in this process; more wait in line
   * (`TURN_CONCURRENCY`, default 4). Queries run in the data worker either way; this keeps
   * the HTTP loop free to accept and stream while many questions arrive together.
   */
  turnConcurrency: number;
  /**
   * Lease of the turns this instance runs (`TURN_LEASE_MS`, default 15 s): renewed every
   * third of it; when an instance goes silent this long, another fails its running turns.
   */
  turnLeaseMs: number;
  /**
   * A download (Excel or PDF) that takes at least this long also leaves a notification when
   * it is done (`LONG_EXPORT_NOTIFY_MS`, default 20 s): the user may have looked elsewhere.
   */
  longExportNotifyMs: number;
  /** Connection limits of the HTTP server (`lib/web/listen.ts`), in milliseconds. */
  http: {
    /** A request's head must arrive within this time of its first byte (or of connecting). */
    headersTimeoutMs: number;
    /** A request must be read and answered (up to its response's start) within this time. */
    requestTimeoutMs: number;
    /** An idle keep-alive connection is closed after this time. */
    keepAliveTimeoutMs: number;
    /** A connection with a request in progress is closed after this long with no bytes. */
    idleTimeoutMs: number;
  };
  /**
   * Email of scheduled reports (`lib/schedules/mailer.ts`). Absent: no SMTP, scheduled
   * reports go to the owner's in-app inbox.
   */
  mail?: MailConfig;
  /** The app's public URL for links in emails (`APP_URL`), e.g. `https://cc.example.com`; null: none. */
  appUrl?: string | null;
  /** KPI alerts (`lib/alerts/`); absent: the defaults of {@linkcode AlertsConfig}. */
  alerts?: AlertsConfig;
}

/** Webhook delivery of KPI alerts. */
export interface AlertsConfig {
  /**
   * Accept webhook URLs on loopback, private, link-local and other non-public addresses
   * (`ALERT_WEBHOOK_ALLOW_PRIVATE=true`; default false, for tests and closed networks).
   */
  webhookAllowPrivate: boolean;
  /** Deadline of one webhook POST (`ALERT_WEBHOOK_TIMEOUT_MS`, default 10 s). */
  webhookTimeoutMs: number;
}

/** SMTP settings of scheduled reports. */
export interface MailConfig {
  /** `smtp://user:pass@host:587` or `smtps://…:465` (`SMTP_URL`); null: no email, inbox only. */
  smtpUrl: string | null;
  /** The sender (`MAIL_FROM`), e.g. `Reports <reports@example.com>`. */
  from: string;
  /** Recipient domains allowed (`MAIL_ALLOWED_DOMAINS`, lower-case); empty: no address allowed. */
  allowedDomains: string[];
  /** Deadline of one SMTP delivery (`SMTP_TIMEOUT_MS`, default 30 s). */
  timeoutMs: number;
}

/** Thrown when a variable has an invalid value. */
export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

/**
 * Reads `.env` (if any) under the real environment: real variables win. A missing file, or
 * a runtime that cannot read files here (no read permission, Deno Deploy), means no `.env`.
 */
export function readEnv(dotenvPath = ".env"): Env {
  return { ...readDotenv(dotenvPath), ...Deno.env.toObject() };
}

function readDotenv(path: string): Env {
  if (typeof Deno.readTextFileSync !== "function") return {};
  try {
    return parseDotenv(Deno.readTextFileSync(path));
  } catch (e) {
    if (
      e instanceof Deno.errors.NotFound || e instanceof Deno.errors.PermissionDenied ||
      e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.NotSupported ||
      e instanceof Deno.errors.IsADirectory
    ) return {};
    throw e;
  }
}

function str(env: Env, name: string): string | null {
  const v = env[name]?.trim();
  return v ? v : null;
}

function int(
  env: Env,
  name: string,
  def: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const v = str(env, name);
  if (v === null) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(
      name,
      `must be a whole number from ${min} to ${max}, got "${v}"`,
    );
  }
  return n;
}

function oneOf<T extends string>(
  env: Env,
  name: string,
  values: readonly T[],
  def: T,
): T {
  const v = str(env, name);
  if (v === null) return def;
  if (!values.includes(v as T)) {
    throw new ConfigError(
      name,
      `must be one of ${values.join(", ")}, got "${v}"`,
    );
  }
  return v as T;
}

/** Parses an ISO instant, or throws a ConfigError naming `name`. */
export function parseInstant(name: string, v: string): Date {
  const d = new Date(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(d.getTime())) {
    throw new ConfigError(
      name,
      `must be an ISO instant such as 2026-11-24T09:00:00Z, got "${v}"`,
    );
  }
  return d;
}

/** Builds the configuration from an environment, validating every variable. */
export function loadConfig(env: Env = readEnv()): Config {
  const tz = str(env, "BUSINESS_TZ") ?? "UTC";
  if (!isValidTimeZone(tz)) {
    throw new ConfigError(
      "BUSINESS_TZ",
      `must be an IANA time zone such as Asia/Kolkata, got "${tz}"`,
    );
  }
  const nowRaw = str(env, "NOW");
  const mode = oneOf(
    env,
    "MCP_MODE",
    ["embedded", "http", "stdio"] as const,
    "embedded",
  );
  const url = str(env, "MCP_URL");
  const command = str(env, "MCP_COMMAND");
  if (mode === "http") {
    if (!url) {
      throw new ConfigError("MCP_URL", "is required when MCP_MODE=http");
    }
    try {
      new URL(url);
    } catch {
      throw new ConfigError("MCP_URL", `must be a URL, got "${url}"`);
    }
  }
  const deploy = onDeploy(env);
  if (mode === "stdio" && deploy) {
    throw new ConfigError(
      "MCP_MODE",
      "stdio cannot run on Deno Deploy (no subprocesses): use MCP_MODE=http with MCP_URL " +
        "naming a MongoDB MCP server reachable over Streamable HTTP",
    );
  }
  if (mode === "stdio" && !command) {
    throw new ConfigError("MCP_COMMAND", "is required when MCP_MODE=stdio");
  }
  const kv = kvLocation(env, deploy);
  const temperatureRaw = str(env, "OPENAI_TEMPERATURE");
  let temperature: number | null = null;
  if (temperatureRaw !== null) {
    temperature = Number(temperatureRaw);
    if (!Number.isFinite(temperature) || temperature < 0 || temperature > 2) {
      throw new ConfigError(
        "OPENAI_TEMPERATURE",
        `must be a number from 0 to 2, got "${temperatureRaw}"`,
      );
    }
  }
  const effort = str(env, "OPENAI_REASONING_EFFORT");
  if (
    effort !== null && !["minimal", "low", "medium", "high"].includes(effort)
  ) {
    throw new ConfigError(
      "OPENAI_REASONING_EFFORT",
      `must be one of minimal, low, medium, high, got "${effort}"`,
    );
  }
  const baseUrl = str(env, "OPENAI_BASE_URL");
  if (baseUrl) {
    try {
      new URL(baseUrl);
    } catch {
      throw new ConfigError(
        "OPENAI_BASE_URL",
        `must be a URL, got "${baseUrl}"`,
      );
    }
  }
  return {
    port: int(env, "PORT", 8000, 0, 65535),
    kv,
    deploy,
    tz,
    now: nowRaw ? parseInstant("NOW", nowRaw) : null,
    mcp: {
      mode,
      url,
      token: str(env, "MCP_TOKEN"),
      command,
      database: str(env, "MONGODB_DATABASE") ?? "ccs_dev",
      timeoutMs: int(env, "MCP_TIMEOUT_MS", 30_000, 100),
      connectTimeoutMs: int(env, "MCP_CONNECT_TIMEOUT_MS", 120_000, 100),
      maxTimeMs: int(env, "QUERY_MAX_TIME_MS", 30_000, 10),
    },
    dataDir: str(env, "DATA_DIR"),
    dataWorker: oneOf(env, "DATA_WORKER", ["on", "off"] as const, "on") === "on",
    demoData: {
      days: int(env, "DEMO_DAYS", 60, 1, 3650),
      callsPerDay: int(
        env,
        "DEMO_CALLS_PER_DAY",
        deploy ? DEPLOY_DEMO_CALLS_PER_DAY : 800,
        1,
        1_000_000,
      ),
      seed: int(env, "DEMO_SEED", 42),
    },
    model: {
      provider: oneOf(
        env,
        "MODEL_PROVIDER",
        ["offline", "openai", "auto"] as const,
        "auto",
      ),
      apiKey: str(env, "OPENAI_API_KEY"),
      baseUrl,
      name: str(env, "OPENAI_MODEL") ?? "gpt-5-mini",
      temperature,
      reasoningEffort: effort as Config["model"]["reasoningEffort"],
      timeoutMs: int(env, "MODEL_TIMEOUT_MS", 120_000, 100),
      maxRetries: int(env, "MODEL_MAX_RETRIES", 3, 0, 10),
      maxToolRounds: int(env, "MAX_TOOL_ROUNDS", 8, 1, 50),
      contextTokenBudget: int(env, "CONTEXT_TOKEN_BUDGET", 6000, 500),
      transcribeModel: str(env, "OPENAI_TRANSCRIBE_MODEL") ?? "whisper-1",
    },
    auth: {
      demoUser: demoOff(env) ? null : (str(env, "DEMO_USER") ?? DEFAULT_DEMO_USER),
      demoPassword: demoPassword(env),
      retiredDemo: demoOff(env)
        ? {
          username: DEFAULT_DEMO_USER,
          passwords: [...new Set([demoPasswordValue(env), DEFAULT_DEMO_PASSWORD])],
        }
        : null,
      sessionIdleMinutes: int(env, "SESSION_IDLE_MINUTES", 120, 1),
      sessionMaxHours: int(env, "SESSION_MAX_HOURS", 24, 1),
      cookieSecure: oneOf(
        env,
        "COOKIE_SECURE",
        ["auto", "always", "never"] as const,
        "auto",
      ),
      loginMaxAttempts: int(env, "LOGIN_MAX_ATTEMPTS", 5, 1),
      loginWindowMinutes: int(env, "LOGIN_WINDOW_MINUTES", 15, 1),
      loginMaxAttemptsPerAddress: int(env, "LOGIN_MAX_ATTEMPTS_PER_ADDRESS", 20, 1),
      loginConcurrency: int(env, "LOGIN_CONCURRENCY", 2, 1, 64),
      loginQueue: int(env, "LOGIN_QUEUE", 16, 0, 10_000),
    },
    allowedOrigins: (str(env, "ALLOWED_ORIGINS") ?? "").split(",").map((s) => s.trim()).filter(
      Boolean,
    ),
    trustedProxies: trustedProxies(env),
    turnConcurrency: int(env, "TURN_CONCURRENCY", 4, 1, 1_000),
    turnLeaseMs: int(env, "TURN_LEASE_MS", 15_000, 300, 600_000),
    longExportNotifyMs: int(env, "LONG_EXPORT_NOTIFY_MS", 20_000, 0, 3_600_000),
    http: {
      headersTimeoutMs: int(env, "HTTP_HEADERS_TIMEOUT_MS", 10_000, 100),
      requestTimeoutMs: int(env, "HTTP_REQUEST_TIMEOUT_MS", 60_000, 100),
      keepAliveTimeoutMs: int(env, "HTTP_KEEPALIVE_TIMEOUT_MS", 5_000, 100),
      idleTimeoutMs: int(env, "HTTP_IDLE_TIMEOUT_MS", 60_000, 1_000),
    },
    mail: mailConfig(env),
    appUrl: appUrl(env),
    alerts: alertsConfig(env),
  };
}

/** `ALERT_WEBHOOK_ALLOW_PRIVATE`, `ALERT_WEBHOOK_TIMEOUT_MS`. */
function alertsConfig(env: Env): AlertsConfig {
  return {
    webhookAllowPrivate: oneOf(env, "ALERT_WEBHOOK_ALLOW_PRIVATE", ["true", "false"], "false") ===
      "true",
    webhookTimeoutMs: int(env, "ALERT_WEBHOOK_TIMEOUT_MS", 10_000, 100, 120_000),
  };
}

/** `SMTP_URL`, `MAIL_FROM`, `MAIL_ALLOWED_DOMAINS`, `SMTP_TIMEOUT_MS`. */
function mailConfig(env: Env): MailConfig {
  const smtpUrl = str(env, "SMTP_URL");
  if (smtpUrl) {
    let u: URL | null = null;
    try {
      u = new URL(smtpUrl);
    } catch { /* reported below */ }
    if (!u || (u.protocol !== "smtp:" && u.protocol !== "smtps:") || !u.hostname) {
      throw new ConfigError(
        "SMTP_URL",
        `must be an smtp:// or smtps:// URL such as smtp://user:pass@mail.example.com:587`,
      );
    }
  }
  const from = str(env, "MAIL_FROM");
  if (smtpUrl && !from) {
    throw new ConfigError("MAIL_FROM", "is required when SMTP_URL is set (the sender address)");
  }
  if (from && !/@[^@\s>]+\.[^@\s>]+>?$/.test(from)) {
    throw new ConfigError(
      "MAIL_FROM",
      `must be an address such as reports@example.com or "Reports <reports@example.com>", got "${from}"`,
    );
  }
  const allowedDomains = (str(env, "MAIL_ALLOWED_DOMAINS") ?? "").split(",")
    .map((d) => d.trim().toLowerCase().replace(/^@/, "")).filter(Boolean);
  const badDomain = allowedDomains.find((d) => !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(d));
  if (badDomain) {
    throw new ConfigError(
      "MAIL_ALLOWED_DOMAINS",
      `must list domains such as example.com,example.org, got "${badDomain}"`,
    );
  }
  return {
    smtpUrl,
    from: from ?? "reports@localhost.invalid",
    allowedDomains,
    timeoutMs: int(env, "SMTP_TIMEOUT_MS", 30_000, 100),
  };
}

/** `APP_URL`: an http(s) URL without a trailing slash, or null. */
function appUrl(env: Env): string | null {
  const v = str(env, "APP_URL");
  if (!v) return null;
  let u: URL | null = null;
  try {
    u = new URL(v);
  } catch { /* reported below */ }
  if (!u || (u.protocol !== "http:" && u.protocol !== "https:")) {
    throw new ConfigError("APP_URL", `must be an http(s) URL such as https://cc.example.com`);
  }
  return v.replace(/\/+$/, "");
}

/** The demo password shown at start; it follows the same rules as every password. */
export const DEFAULT_DEMO_PASSWORD = "demo-supervisor";
/** The demo account's name when `DEMO_USER` is not set. */
export const DEFAULT_DEMO_USER = "demo";

/** `DEMO_USER=off` (or set empty): no demo account. */
function demoOff(env: Env): boolean {
  if (env["DEMO_USER"] === undefined) return false;
  const v = str(env, "DEMO_USER");
  return v === null || v.toLowerCase() === "off";
}

function demoPasswordValue(env: Env): string {
  return str(env, "DEMO_PASSWORD") ?? DEFAULT_DEMO_PASSWORD;
}

function demoPassword(env: Env): string {
  const password = demoPasswordValue(env);
  // A demo account that is off needs no valid password.
  const problem = demoOff(env) ? null : passwordProblem(password);
  if (problem) throw new ConfigError("DEMO_PASSWORD", `is not a valid password: ${problem}`);
  return password;
}

/** `KV_URL`, `KV_PATH`, or the default of where the app runs (see {@linkcode KvLocation}). */
function kvLocation(env: Env, deploy: boolean): KvLocation {
  const url = str(env, "KV_URL");
  const path = str(env, "KV_PATH");
  if (url && path) {
    throw new ConfigError(
      "KV_URL",
      "and KV_PATH are both set: set KV_URL for a remote KV or KV_PATH for a local file, not both",
    );
  }
  if (url) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch { /* reported below */ }
    if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
      throw new ConfigError(
        "KV_URL",
        `must be the http(s) URL of a remote KV (KV Connect, a denokv server) such as http://127.0.0.1:4512, got "${url}"`,
      );
    }
    const accessToken = str(env, "DENO_KV_ACCESS_TOKEN");
    if (!accessToken) {
      throw new ConfigError(
        "KV_URL",
        "needs DENO_KV_ACCESS_TOKEN, the access token of the remote KV, to be set too",
      );
    }
    return { kind: "url", url, accessToken };
  }
  if (path) return { kind: "path", path };
  return deploy ? { kind: "managed" } : { kind: "path", path: DEFAULT_KV_PATH };
}

function trustedProxies(env: Env): string[] {
  const list = (str(env, "TRUSTED_PROXIES") ?? "").split(",").map((s) => s.trim()).filter(
    Boolean,
  );
  const problem = trustedProxiesProblem(list);
  if (problem) {
    throw new ConfigError(
      "TRUSTED_PROXIES",
      `must list IP addresses or CIDR ranges (or loopback, linklocal, uniquelocal): ${problem}`,
    );
  }
  return list;
}

/** The clock: the frozen instant when configured, else the real time. */
export function clock(config: Pick<Config, "now">): () => Date {
  return () => config.now ? new Date(config.now) : new Date();
}
