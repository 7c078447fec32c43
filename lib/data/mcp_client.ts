/**
 * The read-only data client: an MCP client for the MongoDB MCP server's tools,
 * whichever server is behind it — the embedded one in process, a Streamable HTTP
 * URL, or a stdio command such as `npx -y mongodb-mcp-server@3 --readOnly`.
 *
 * - The read-only guard (`read_only_guard.ts`) runs on every call before anything
 *   reaches the server: only read tools pass ({@link READ_TOOLS}; connect, export,
 *   insert-many, drop-collection, … are refused), and no `$out`, `$merge`, `$where`,
 *   `$function` or `$accumulator` at any depth of the arguments.
 * - `connectionId: "preconfigured"` and the configured database are filled in where
 *   the server's input schema has them; the model never sets (or sees) them.
 * - Every call has a timeout and honours an AbortSignal.
 * - Arguments are sent as relaxed EJSON (dates, ObjectIds); documents in results
 *   are decoded from EJSON (`structuredContent`, or the text of servers that send
 *   none).
 *
 * @module
 */
import { EJSON } from "bson";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/client/stdio"
import {
  getDefaultEnvironment,
  StdioClientTransport,
} from "@modelcontextprotocol/sdk/client/stdio.js";
// @ts-types="@modelcontextprotocol/sdk/inMemory"
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
// @ts-types="@modelcontextprotocol/sdk/shared/transport"
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Config } from "../config.ts";
import {
  createEmbeddedMcpServer,
  type EmbeddedServerOptions,
  PRECONFIGURED,
} from "./embedded_server.ts";
import { fromRelaxedEjson } from "./ejson_fast.ts";
import { DataConnectionError, DataError } from "./errors.ts";
import { createMemoryStore, type MemoryStore } from "./memory_store.ts";
import { assertReadOnlyCall, READ_TOOLS, ReadOnlyError } from "./read_only_guard.ts";
import type {
  AppliedLimit,
  CallOptions,
  DataClient,
  Document,
  FindArgs,
  QueryResult,
  ReadBatchesOptions,
  ToolInfo,
  ToolResult,
} from "./types.ts";
import { engineBatches } from "./worker/batches.ts";
import { decodePipeline, encodePipeline } from "./worker/clone_codec.ts";

export { DataConnectionError, DataError };

export { READ_TOOLS };

/** Arguments the client fills in and hides from the model. */
const HIDDEN_ARGS = ["connectionId", "database"];

/** Options of {@link createDataClient}. */
export interface CreateDataClientOptions {
  /** Which server, and how: `Config["mcp"]` from `lib/config.ts`. */
  mcp: Config["mcp"];
  /** The server for `mode: "embedded"` (or a factory). */
  server?: McpServer | (() => McpServer);
  /** A ready transport to use instead of the one `mcp.mode` implies (tests, custom setups). */
  transport?: Transport;
  /** Extra environment for a stdio server (besides {@link stdioEnvironment}'s). */
  env?: Record<string, string>;
  /** The environment a stdio server's variables are taken from; default the process's. */
  processEnv?: Record<string, string>;
  /** Cancels connecting. */
  signal?: AbortSignal;
}

/** Default timeout of the first connection (a stdio server's first `npx` install). */
export const CONNECT_TIMEOUT_MS = 120_000;

/** Variables a spawned server needs to reach the network through a proxy or a private CA. */
export const PASSED_THROUGH: readonly string[] = [
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "ALL_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "all_proxy",
  "NODE_EXTRA_CA_CERTS",
  "NODE_USE_ENV_PROXY",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
];

/**
 * The environment of a stdio MCP server: the SDK's safe defaults (PATH, HOME…), the
 * proxy and CA variables ({@link PASSED_THROUGH}), npm's settings (`npm_config_*`, for
 * `npx`), every `MDB_MCP_*`, and `MDB_MCP_TELEMETRY=disabled` unless the environment
 * says otherwise; `extra` last.
 */
export function stdioEnvironment(
  source: Record<string, string> = Deno.env.toObject(),
  extra: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = { ...getDefaultEnvironment() };
  for (const [k, v] of Object.entries(source)) {
    if (
      PASSED_THROUGH.includes(k) || k.startsWith("MDB_MCP_") || /^npm_config_/i.test(k)
    ) env[k] = v;
  }
  env.MDB_MCP_TELEMETRY ??= "disabled";
  env.DO_NOT_TRACK ??= "1";
  return Object.assign(env, extra);
}

/** A data client over the embedded server, with the store it reads. */
export interface EmbeddedDataClient extends DataClient {
  readonly store: MemoryStore;
  readBatches(
    collection: string,
    pipeline: Document[],
    opts?: ReadBatchesOptions,
  ): AsyncIterable<Document[]>;
}

/**
 * The read-only guard of a bulk read: the same check as an `aggregate` tool call, as a
 * {@link DataError} like a refused call's.
 */
export function assertReadOnlyBatches(collection: string, pipeline: Document[]): void {
  try {
    assertReadOnlyCall("aggregate", { collection, pipeline });
  } catch (e) {
    if (e instanceof ReadOnlyError) {
      throw new DataError(`Error running aggregate: ${e.message}`, "aggregate");
    }
    throw e;
  }
}

/** Runs `read`, turning its errors into the {@link DataError}s of an `aggregate` call. */
export async function* asDataErrors<T>(
  read: AsyncIterable<T>,
  signal: AbortSignal | undefined,
): AsyncGenerator<T> {
  try {
    yield* read;
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    if (e instanceof DataError) throw e;
    throw new DataError(`Error running aggregate: ${errorMessage(e)}`, "aggregate");
  }
}

interface ServerTool {
  name: string;
  description?: string;
  inputSchema:
    & { properties?: Record<string, unknown>; required?: string[] }
    & Record<string, unknown>;
}

type CallResult = {
  content?: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
};

/** Splits a command line into words, honouring single and double quotes. */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s"']+)/g;
  let m: RegExpExecArray | null;
  let end = -1;
  while ((m = re.exec(command)) !== null) {
    const piece = m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : m[2] ?? m[3];
    // Pieces with no space between them form one word: --opt="a b".
    if (m.index === end && words.length) words[words.length - 1] += piece;
    else words.push(piece);
    end = re.lastIndex;
  }
  return words;
}

interface Connection {
  transport: Transport;
  /** The embedded server and its end of the in-memory pair. */
  server?: McpServer;
  serverTransport?: Transport;
}

function transportFor(opts: CreateDataClientOptions): Connection {
  if (opts.transport) return { transport: opts.transport };
  const mcp = opts.mcp;
  switch (mcp.mode) {
    case "embedded": {
      if (!opts.server) {
        throw new DataError("Cannot start the embedded MCP client: no server given");
      }
      const server = typeof opts.server === "function" ? opts.server() : opts.server;
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      return { transport: clientSide, server, serverTransport: serverSide };
    }
    case "http": {
      if (!mcp.url) throw new DataError("Cannot connect to the MCP server: MCP_URL is not set");
      const headers: Record<string, string> = {};
      if (mcp.token) headers.Authorization = `Bearer ${mcp.token}`;
      return {
        transport: new StreamableHTTPClientTransport(new URL(mcp.url), {
          requestInit: { headers },
        }),
      };
    }
    // deploy-check: local-only — loadConfig refuses MCP_MODE=stdio on Deploy (lib/config.ts)
    case "stdio": {
      const [command, ...args] = splitCommand(mcp.command ?? "");
      if (!command) throw new DataError("Cannot start the MCP server: MCP_COMMAND is empty");
      const env = stdioEnvironment(opts.processEnv ?? Deno.env.toObject(), opts.env);
      return { transport: new StdioClientTransport({ command, args, env, stderr: "inherit" }) };
    }
  }
}

function describeTarget(mcp: Config["mcp"]): string {
  switch (mcp.mode) {
    case "embedded":
      return "the embedded MCP server";
    case "http":
      return `the MCP server at ${mcp.url}`;
    case "stdio":
      return `the MCP server command "${mcp.command}"`;
  }
}

const LIMITS: AppliedLimit[] = [
  "config.maxDocumentsPerQuery",
  "config.maxBytesPerQuery",
  "tool.responseBytesLimit",
];

/** Rebuilds structured content from the text of a server that sends none. */
export function structuredFromText(
  tool: string,
  texts: string[],
): Record<string, unknown> | undefined {
  const all = texts.join("\n");
  if (tool === "count") {
    const m = /Found (\d+) documents/.exec(all);
    return m ? { count: Number(m[1]) } : undefined;
  }
  if (tool !== "find" && tool !== "aggregate") return undefined;
  let documents: unknown[] = [];
  const block = /<untrusted-user-data-([\w-]+)>\n([\s\S]*?)\n<\/untrusted-user-data-\1>/.exec(all);
  if (block) {
    const data = block[2].trim();
    try {
      const parsed = EJSON.parse(data, { relaxed: true });
      documents = Array.isArray(parsed) ? parsed : [parsed];
    } catch {
      documents = data.split("\n").filter((l) => l.trim()).map((l) =>
        EJSON.parse(l, { relaxed: true })
      );
    }
  }
  const countMatch = /resulted in (\d+) documents/.exec(all);
  const appliedLimits = LIMITS.filter((l) => {
    const key = l.split(".")[1];
    if (all.includes(key)) return true;
    if (l === "config.maxDocumentsPerQuery") return all.includes("maximum number of documents");
    if (l === "config.maxBytesPerQuery") return all.includes("maximum response size");
    return false;
  });
  const total = countMatch ? Number(countMatch[1]) : undefined;
  return tool === "find"
    ? { documents, queryResultsCount: total, appliedLimits }
    : { documents, count: total ?? "indeterminate", appliedLimits };
}

/** Rejects with the signal's reason when it aborts. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A connected MCP client and the embedded server it talks to, if any. */
interface Live {
  client: Client;
  server?: McpServer;
  /** Set when the transport closed without {@link createDataClient}'s `close()`. */
  lost: boolean;
}

/** Opens a connection to the server `opts` describes, within `timeoutMs`. */
async function connect(
  opts: CreateDataClientOptions,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Live> {
  const { transport, server, serverTransport } = transportFor(opts);
  const client = new Client({ name: "contact-center-assistant", version: "1.0.0" });
  const live: Live = { client, server, lost: false };
  try {
    if (server && serverTransport) await server.connect(serverTransport);
    await client.connect(transport, { timeout: timeoutMs, maxTotalTimeout: timeoutMs, signal });
  } catch (e) {
    await client.close().catch(() => {});
    throw e;
  }
  // A stdio server that exits (killed, crashed) or a transport that fails closes the client.
  client.onclose = () => live.lost = true;
  return live;
}

/**
 * Connects a read-only data client to the MCP server `opts.mcp` describes, waiting up
 * to `mcp.connectTimeoutMs` (default {@link CONNECT_TIMEOUT_MS}) for the first answer.
 * Throws a {@link DataError} when the server cannot be reached.
 *
 * When the connection closes by itself (a stdio server killed or crashed), the calls in
 * flight fail with a {@link DataConnectionError} and the next call connects again (a new
 * process for stdio), unless the client was given a ready `transport`.
 */
export async function createDataClient(opts: CreateDataClientOptions): Promise<DataClient> {
  const { mcp } = opts;
  const connectTimeout = mcp.connectTimeoutMs ?? Math.max(mcp.timeoutMs, CONNECT_TIMEOUT_MS);
  let live: Live;
  try {
    live = await connect(opts, connectTimeout, opts.signal);
  } catch (e) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    const timedOut = (e as { code?: unknown })?.code === -32001;
    throw new DataError(
      `Cannot connect to ${describeTarget(mcp)}: ${
        timedOut
          ? `no answer within ${connectTimeout} ms (MCP_CONNECT_TIMEOUT_MS)`
          : errorMessage(e)
      }`,
    );
  }

  let serverTools: Promise<Map<string, ServerTool>> | null = null;
  let reconnecting: Promise<Live> | null = null;
  let closed = false;

  /** The live client, connecting again first when the connection was lost. */
  const connected = async (callOpts?: CallOptions): Promise<Client> => {
    if (closed) throw new DataError("The data client is closed");
    if (!live.lost) return live.client;
    if (opts.transport) {
      throw new DataConnectionError("The connection to the MCP server has closed");
    }
    if (!reconnecting) {
      const old = live;
      reconnecting = connect(opts, connectTimeout, undefined).then((next) => {
        live = next;
        serverTools = null;
        old.client.close().catch(() => {});
        return next;
      }).finally(() => reconnecting = null);
      reconnecting.catch(() => {});
    }
    try {
      const next = await (callOpts?.signal
        ? Promise.race([reconnecting, aborted(callOpts.signal)])
        : reconnecting);
      return next.client;
    } catch (e) {
      if (callOpts?.signal?.aborted) throw callOpts.signal.reason;
      throw new DataConnectionError(
        `The connection to the MCP server closed and cannot be opened again: ${errorMessage(e)}`,
      );
    }
  };

  const requestOptions = (opts?: CallOptions) => ({
    signal: opts?.signal,
    timeout: opts?.timeoutMs ?? mcp.timeoutMs,
    maxTotalTimeout: opts?.timeoutMs ?? mcp.timeoutMs,
  });

  const wrapFailure = (e: unknown, what: string, callOpts?: CallOptions, tool?: string): never => {
    // The SDK reports an abort as a timeout error: rethrow the caller's abort reason.
    if (callOpts?.signal?.aborted) throw callOpts.signal.reason;
    if (e instanceof DataError) throw e;
    const code = (e as { code?: unknown })?.code;
    // -32000: the connection closed with the call in flight; "Not connected": just before it.
    if (code === -32000 || (e instanceof Error && e.message === "Not connected")) {
      throw new DataConnectionError(
        `${what} failed: the MCP server closed the connection (it stopped or crashed)`,
        tool,
      );
    }
    if (code === -32001) {
      throw new DataError(
        `${what} timed out after ${callOpts?.timeoutMs ?? mcp.timeoutMs} ms`,
        tool,
      );
    }
    throw new DataError(`${what} failed: ${errorMessage(e)}`, tool);
  };

  const fetchTools = (callOpts?: CallOptions): Promise<Map<string, ServerTool>> => {
    if (!serverTools) {
      serverTools = (async () => {
        const map = new Map<string, ServerTool>();
        let cursor: string | undefined;
        do {
          const page = await (await connected(callOpts)).listTools(
            cursor ? { cursor } : undefined,
            requestOptions(callOpts),
          );
          for (const t of page.tools as ServerTool[]) map.set(t.name, t);
          cursor = page.nextCursor;
        } while (cursor);
        return map;
      })();
      serverTools.catch(() => (serverTools = null));
    }
    return serverTools.catch((e) => wrapFailure(e, "Listing the MCP tools", callOpts));
  };

  const callTool = async (
    name: string,
    args: Record<string, unknown>,
    callOpts?: CallOptions,
  ): Promise<ToolResult> => {
    // The read-only guard runs before anything reaches the server, whichever server it is.
    try {
      assertReadOnlyCall(name, args);
    } catch (e) {
      if (!(e instanceof ReadOnlyError)) throw e;
      return {
        isError: true,
        text: READ_TOOLS.has(name) ? `Error running ${name}: ${e.message}` : e.message,
      };
    }
    callOpts?.signal?.throwIfAborted();
    const tools = await fetchTools(callOpts);
    const tool = tools.get(name);
    if (!tool) {
      return { isError: true, text: `Tool "${name}" is not offered by ${describeTarget(mcp)}.` };
    }
    const props = tool.inputSchema?.properties ?? {};
    const full: Record<string, unknown> = { ...args };
    for (const hidden of HIDDEN_ARGS) delete full[hidden];
    if ("connectionId" in props) full.connectionId = PRECONFIGURED;
    if ("database" in props) full.database = mcp.database;
    let result: CallResult;
    try {
      result = await (await connected(callOpts)).callTool(
        { name, arguments: EJSON.serialize(full, { relaxed: true }) },
        undefined,
        requestOptions(callOpts),
      ) as CallResult;
    } catch (e) {
      return wrapFailure(e, `The "${name}" call`, callOpts, name);
    }
    const texts = (result.content ?? [])
      .filter((c) => c.type === "text" && typeof c.text === "string")
      .map((c) => c.text as string);
    let structured: Record<string, unknown> | undefined;
    if (result.structuredContent) {
      structured = fromRelaxedEjson(result.structuredContent) as Record<string, unknown>;
    } else if (!result.isError) {
      try {
        structured = structuredFromText(name, texts);
      } catch {
        structured = undefined;
      }
    }
    return { isError: result.isError === true, structured, text: texts.join("\n") };
  };

  const queryResult = (tool: string, res: ToolResult): QueryResult => {
    if (res.isError) throw new DataError(res.text || `The "${tool}" call failed`, tool);
    const s = res.structured ?? {};
    const documents = Array.isArray(s.documents) ? (s.documents as Document[]) : [];
    const rawTotal = s.queryResultsCount ?? s.count ?? s.aggResultsCount;
    const total = typeof rawTotal === "number" || rawTotal === "indeterminate"
      ? rawTotal
      : undefined;
    const appliedLimits = Array.isArray(s.appliedLimits)
      ? (s.appliedLimits as string[]).filter((l): l is AppliedLimit =>
        LIMITS.includes(l as AppliedLimit)
      )
      : [];
    return { documents, total, appliedLimits };
  };

  return {
    database: mcp.database,
    async listTools(callOpts?: CallOptions): Promise<ToolInfo[]> {
      const tools = await fetchTools(callOpts);
      const out: ToolInfo[] = [];
      for (const t of tools.values()) {
        if (!READ_TOOLS.has(t.name)) continue;
        const schema = structuredClone(t.inputSchema ?? { type: "object" });
        if (schema.properties) {
          for (const hidden of HIDDEN_ARGS) delete schema.properties[hidden];
        }
        if (Array.isArray(schema.required)) {
          schema.required = schema.required.filter((r) => !HIDDEN_ARGS.includes(r));
        }
        out.push({ name: t.name, description: t.description ?? "", inputSchema: schema });
      }
      return out;
    },
    callTool,
    async find(args: FindArgs, callOpts?: CallOptions): Promise<QueryResult> {
      return queryResult("find", await callTool("find", { ...args }, callOpts));
    },
    async aggregate(collection: string, pipeline: Document[], callOpts?: CallOptions) {
      return queryResult(
        "aggregate",
        await callTool("aggregate", { collection, pipeline }, callOpts),
      );
    },
    async count(collection: string, query?: Document, callOpts?: CallOptions): Promise<number> {
      const res = await callTool("count", query ? { collection, query } : { collection }, callOpts);
      if (res.isError) throw new DataError(res.text || `The "count" call failed`, "count");
      const n = res.structured?.count;
      if (typeof n !== "number") throw new DataError(`The "count" call returned no count`, "count");
      return n;
    },
    async close(): Promise<void> {
      closed = true;
      await reconnecting?.catch(() => {});
      live.lost = false;
      await live.client.close().catch(() => {});
      if (live.server) await live.server.close().catch(() => {});
    },
  };
}

/** Options of {@link createEmbeddedClient}. */
export interface EmbeddedClientOptions extends EmbeddedServerOptions {
  /** Database name; default `ccs_dev`. */
  database?: string;
  /** Per-call timeout (ms); default 30 s. */
  timeoutMs?: number;
}

/**
 * Builds a store over `dataset`, the embedded server over it, and a data client
 * connected in process. Handy in tests. The dataset's documents are frozen in
 * place (see `createMemoryStore`).
 */
export async function createEmbeddedClient(
  dataset: Record<string, Document[]>,
  opts: EmbeddedClientOptions = {},
): Promise<EmbeddedDataClient> {
  const database = opts.database ?? "ccs_dev";
  const store = createMemoryStore(dataset, { database });
  return await connectEmbedded(store, { ...opts, database });
}

/** The `mcp` configuration of an embedded server (in process or in the data worker). */
export function embeddedMcpConfig(
  opts: { database: string; timeoutMs: number; connectTimeoutMs?: number },
): Config["mcp"] {
  return { mode: "embedded", url: null, token: null, command: null, ...opts };
}

/** A data client connected in process to an embedded server over `store`. */
export async function connectEmbedded(
  store: MemoryStore,
  opts: EmbeddedClientOptions & { database: string },
): Promise<EmbeddedDataClient> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const client = await createDataClient({
    mcp: embeddedMcpConfig({ database: opts.database, timeoutMs }),
    server: () => createEmbeddedMcpServer(store, opts),
  });
  const closeClient = client.close;
  let closed = false;
  return Object.assign(client, {
    store,
    readBatches(
      collection: string,
      pipeline: Document[],
      callOpts: ReadBatchesOptions = {},
    ): AsyncIterable<Document[]> {
      if (closed) throw new DataError("The data client is closed");
      assertReadOnlyBatches(collection, pipeline);
      return asDataErrors(
        engineBatches(store, collection, decodePipeline(encodePipeline(pipeline)), {
          database: opts.database,
          batchSize: callOpts.batchSize,
          maxTimeMs: callOpts.timeoutMs ?? timeoutMs,
          signal: callOpts.signal,
        }),
        callOpts.signal,
      );
    },
    close: async () => {
      closed = true;
      await closeClient();
    },
  });
}
