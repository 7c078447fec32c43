/**
 * Messages between the app and its data worker (`data_worker.ts`) on the worker's own
 * channel. MCP and bulk reads travel on ports of their own (`MessageChannel`).
 *
 * @module
 */
import type { Config } from "../../config.ts";
import type { EmbeddedServerOptions } from "../embedded_server.ts";
import type { Document } from "../types.ts";

/** Where the worker's data comes from: mongoexport files, or generated demo data. */
export type WorkerDataSource = Pick<Config, "dataDir" | "demoData" | "tz" | "now">;

/** App → worker, once: load the data and serve MCP on `port`. */
export interface InitMessage {
  type: "init";
  source: WorkerDataSource;
  database: string;
  server: EmbeddedServerOptions;
  port: MessagePort;
}

/** App → worker: stream the result of `pipeline` (relaxed EJSON) over `port`. */
export interface BatchesMessage {
  type: "batches";
  collection: string;
  pipeline: Document[];
  batchSize?: number;
  /** Deadline of each engine query (ms). */
  maxTimeMs: number;
  port: MessagePort;
}

/** Worker → app: the answer to {@link InitMessage}. */
export type WorkerReply =
  | { type: "ready"; documents: number }
  | { type: "failed"; message: string };
