/**
 * Contracts of the data layer: the read-only MCP client every other part of the
 * app talks to, whichever MCP server (embedded, Streamable HTTP, stdio) is behind it.
 *
 * Documents crossing this interface are decoded from EJSON: dates are `Date`,
 * ObjectIds are `ObjectId` from npm `bson`.
 */

/** A MongoDB document. */
export type Document = Record<string, unknown>;

/** Options every call into the data layer accepts. */
export interface CallOptions {
  /** Cancels the call; the client stops waiting and tells the server when it can. */
  signal?: AbortSignal;
  /** Overrides the configured per-call timeout (milliseconds). */
  timeoutMs?: number;
}

/** Which limit the server applied to a result (names from the real MongoDB MCP server). */
export type AppliedLimit =
  | "config.maxDocumentsPerQuery"
  | "config.maxBytesPerQuery"
  | "tool.responseBytesLimit";

/** The result of `find` or `aggregate`. */
export interface QueryResult {
  documents: Document[];
  /** Total number of matching documents before caps, when the server reports it. */
  total: number | "indeterminate" | undefined;
  /** Limits that cut the result short; empty when the result is complete. */
  appliedLimits: AppliedLimit[];
}

/** Arguments of `find` (without connectionId and database). */
export interface FindArgs {
  collection: string;
  filter?: Document;
  projection?: Document;
  sort?: Record<string, 1 | -1>;
  limit?: number;
}

/** Options of {@link DataClient.readBatches}. */
export interface ReadBatchesOptions extends CallOptions {
  /** Documents per batch (default 5,000). */
  batchSize?: number;
}

/** A raw tool result as the agent sees it. */
export interface ToolResult {
  /** True when the server flagged the result as an error. */
  isError: boolean;
  /** The tool's structured content, EJSON-decoded, when it sent one. */
  structured?: Record<string, unknown>;
  /** The tool's text content, joined. */
  text: string;
}

/** A tool the data client allows, as listed to the model. */
export interface ToolInfo {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

/**
 * The read-only MCP client. `callTool` refuses any tool outside the read allow-list
 * before it reaches the server, and fills in `connectionId` and `database`.
 */
export interface DataClient {
  /** The database queries run against (e.g. `ccs_dev`). */
  readonly database: string;
  /** Tools the server offers that are on the allow-list (connectionId/database hidden). */
  listTools(opts?: CallOptions): Promise<ToolInfo[]>;
  /** Calls an allowed tool with the model's arguments. */
  callTool(
    name: string,
    args: Record<string, unknown>,
    opts?: CallOptions,
  ): Promise<ToolResult>;
  find(args: FindArgs, opts?: CallOptions): Promise<QueryResult>;
  aggregate(
    collection: string,
    pipeline: Document[],
    opts?: CallOptions,
  ): Promise<QueryResult>;
  count(
    collection: string,
    query?: Document,
    opts?: CallOptions,
  ): Promise<number>;
  /**
   * Streams every document of `pipeline` on `collection`, in the pipeline's order, in
   * large batches, bypassing the MCP per-query cap; only clients of the embedded
   * server have it (`readAll` uses it when present, and pages through MCP otherwise).
   * The pipeline passes the same read-only guard as tool calls. There is no overall
   * deadline: each engine query behind it may run for the per-call timeout
   * (`opts.timeoutMs`, else the client's). `opts.signal` stops the query where it is.
   */
  readBatches?(
    collection: string,
    pipeline: Document[],
    opts?: ReadBatchesOptions,
  ): AsyncIterable<Document[]>;
  close(): Promise<void>;
}

/** Collection names of the data contract (`../shared/contract/DATA.md`). */
export const CALLS = "calling_cdr";
export const CUSTOMERS = "address_book";
