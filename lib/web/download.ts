/**
 * File downloads: a safe `Content-Disposition`, and a body fed by a writer that fails
 * cleanly: a proper error response when it fails before the response starts (which
 * waits for the data source's first page, not only the first byte: a spreadsheet
 * writer puts out its header before reading any data), and a body that ends with an
 * error — a failed download in the browser, never a `200` with a cut file — when it
 * fails later.
 */
import type { CallOptions, DataClient, Document, FindArgs } from "../data/types.ts";
import type { ReportMeta } from "../reports/types.ts";
import type { ReportExporter } from "./state.ts";

/** MIME type of `.xlsx`. */
export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/**
 * `attachment; filename="<ASCII>"; filename*=UTF-8''<percent-encoded>`: the ASCII name keeps
 * letters, digits, dot, dash and underscore (others become `_`); both end in `.xlsx`.
 */
export function contentDisposition(fileName: string, ext = ".xlsx"): string {
  // Control characters, slashes and backslashes never reach the header.
  let name = Array.from(fileName.normalize("NFC"), (c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 || code === 0x7f || c === "/" || c === "\\" ? "_" : c;
  }).join("").trim();
  if (!name.toLowerCase().endsWith(ext)) name += ext;
  const stem = name.slice(0, name.length - ext.length).normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "").replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[._-]+|[._-]+$/g, "");
  const ascii = `${stem || "report"}${ext}`;
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** Bytes a writer may produce before its data source answers (a spreadsheet's header). */
const MAX_HEADER_BYTES = 1024 * 1024;

/** A data client that reports when its first data call has answered. */
export interface FirstPageGate {
  /** `client`, watched. */
  client: DataClient;
  /** Resolves when the first `aggregate`/`find`/`count` answers; rejects when it fails. */
  ready: Promise<void>;
}

/** Watches `client`'s first data call, so a download can wait for its first page. */
export function firstPageGate(client: DataClient): FirstPageGate {
  let settle: { resolve: () => void; reject: (e: unknown) => void } | null = null;
  const ready = new Promise<void>((resolve, reject) => settle = { resolve, reject });
  ready.catch(() => {});
  const watch = <T>(call: Promise<T>): Promise<T> => {
    const s = settle;
    if (!s) return call;
    settle = null;
    call.then(() => s.resolve(), (e) => s.reject(e));
    return call;
  };
  const watched: DataClient = {
    database: client.database,
    listTools: (opts?: CallOptions) => client.listTools(opts),
    callTool: (name: string, args: Record<string, unknown>, opts?: CallOptions) =>
      client.callTool(name, args, opts),
    find: (args: FindArgs, opts?: CallOptions) => watch(client.find(args, opts)),
    aggregate: (collection: string, pipeline: Document[], opts?: CallOptions) =>
      watch(client.aggregate(collection, pipeline, opts)),
    count: (collection: string, query?: Document, opts?: CallOptions) =>
      watch(client.count(collection, query, opts)),
    close: () => client.close(),
  };
  return { client: watched, ready };
}

/** Options of {@link streamExport}. */
export interface StreamExportOptions {
  /**
   * Resolves when the data is known to flow ({@link firstPageGate}'s `ready`): the
   * response waits for it (or for the writer to finish), and a rejection becomes an
   * error response.
   */
  ready?: Promise<unknown>;
  /** Called once the writer has finished without error (the whole file was produced). */
  onFinished?: () => void;
}

/**
 * Runs `write` into a stream and returns its readable side once the first chunk exists
 * and `opts.ready` has resolved. A writer that fails before that makes this reject (→ an
 * error response, before any byte); a later failure ends the body with an error (the
 * download fails visibly) and is passed to `onError`. The writer's signal aborts when the
 * client goes away.
 */
export async function streamExport(
  write: (sink: WritableStream<Uint8Array>, signal: AbortSignal) => Promise<unknown>,
  clientSignal: AbortSignal | undefined,
  onError: (e: unknown) => void,
  opts: StreamExportOptions = {},
): Promise<ReadableStream<Uint8Array>> {
  const ac = new AbortController();
  const onAbort = () => ac.abort(clientSignal?.reason);
  clientSignal?.addEventListener("abort", onAbort, { once: true });
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const reader = readable.getReader();
  const done = write(writable, ac.signal).then(
    () => ({ ok: true as const }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  const fail = (error: unknown): never => {
    clientSignal?.removeEventListener("abort", onAbort);
    ac.abort(error);
    reader.cancel().catch(() => {});
    throw error;
  };
  // Chunks read while waiting for the data source (a header), and a read still pending.
  const buffered: ReadableStreamReadResult<Uint8Array>[] = [];
  let inflight: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;
  if (opts.ready) {
    type Gate = { ok: true } | { ok: false; error: unknown };
    let settled: Gate | null = null;
    // The writer's own failure wins: it is the error the data source caused.
    const gate: Promise<Gate> = Promise.race([
      opts.ready.then(
        (): Gate => ({ ok: true }),
        (error: unknown): Gate => ({ ok: false, error }),
      ),
      done,
    ]).then((g) => settled = g);
    let bytes = 0;
    // Keep reading (a writer may wait for its reader) until the gate settles, the writer
    // ends, or enough is ready that it cannot be a header alone.
    while (!settled && bytes < MAX_HEADER_BYTES) {
      inflight ??= reader.read();
      const r = await Promise.race([inflight, gate.then(() => null)]);
      if (r === null) break;
      inflight = null;
      buffered.push(r);
      if (r.done) break;
      bytes += r.value.byteLength;
    }
    const g: Gate | null = settled ?? (bytes < MAX_HEADER_BYTES ? await gate : null);
    if (g && !g.ok) {
      const d = await Promise.race([done, Promise.resolve(null)]);
      fail(d && !d.ok ? d.error : g.error);
    }
  }
  let firstRead: ReadableStreamReadResult<Uint8Array>;
  if (buffered.length) {
    firstRead = buffered.shift()!;
  } else {
    inflight ??= reader.read();
    const read = inflight;
    inflight = null;
    const first = await Promise.race([
      read.then((r) => ({ kind: "chunk" as const, r })),
      done.then((d) => ({ kind: "done" as const, d })),
    ]);
    if (first.kind === "done" && !first.d.ok) fail(first.d.error);
    firstRead = first.kind === "chunk" ? first.r : await read;
  }
  done.then((d) => {
    clientSignal?.removeEventListener("abort", onAbort);
    if (!d.ok && !ac.signal.aborted) onError(d.error);
    if (d.ok && !ac.signal.aborted) opts.onFinished?.();
  });
  buffered.unshift(firstRead);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      // Buffered chunks first, then a read left pending while waiting for the gate (its
      // chunk comes after them), then new reads.
      let next:
        | ReadableStreamReadResult<Uint8Array>
        | Promise<ReadableStreamReadResult<Uint8Array>>;
      if (buffered.length) next = buffered.shift()!;
      else if (inflight) {
        next = inflight;
        inflight = null;
      } else next = reader.read();
      const r = await Promise.resolve(next).catch((e) => {
        controller.error(e);
        return null;
      });
      if (!r) return;
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
    cancel(reason) {
      ac.abort(reason);
      reader.cancel(reason).catch(() => {});
    },
  });
}

/** Options of {@link xlsxDownload}. */
export interface XlsxDownloadOptions {
  /** The saved query to export (a report, or a table shown in the chat). */
  meta: ReportMeta;
  /** Where its rows come from. */
  client: DataClient;
  /** Writes the `.xlsx` of `meta` from `client` into a sink. */
  exportReport: ReportExporter;
  /** The request's signal: the export stops when the client goes away. */
  signal: AbortSignal | undefined;
  /** Where a download cut off after the response started is reported. */
  log: (message: string, error?: unknown) => void;
  /** Called with the milliseconds it took, once the whole file was produced. */
  onFinished?: (elapsedMs: number) => void;
}

/**
 * A saved query as an `.xlsx` download: the response starts once the data source has
 * answered its first page (a failure before that is thrown: a JSON error, no file), and a
 * failure later ends the body with an error (a failed download, logged), never a `200`
 * with a cut file.
 */
export async function xlsxDownload(o: XlsxDownloadOptions): Promise<Response> {
  const gate = firstPageGate(o.client);
  const t0 = performance.now();
  const body = await streamExport(
    (sink, signal) => o.exportReport(o.meta, gate.client, sink, { signal }),
    o.signal,
    (e) => o.log(`Cannot export ${o.meta.id}: the download was cut off`, e),
    { ready: gate.ready, onFinished: () => o.onFinished?.(performance.now() - t0) },
  );
  return new Response(body, {
    status: 200,
    headers: {
      "Content-Type": XLSX_TYPE,
      "Content-Disposition": contentDisposition(o.meta.file_name || `${o.meta.title}.xlsx`),
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "no-store",
    },
  });
}
