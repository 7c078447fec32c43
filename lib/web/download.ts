/**
 * File downloads: a safe `Content-Disposition`, and a body fed by a writer that fails
 * cleanly (a proper error response) when it fails before producing its first byte.
 */

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

/**
 * Runs `write` into a stream and returns its readable side once the first chunk exists.
 * A writer that fails before its first chunk makes this reject (→ an error response); a later
 * failure ends the body with an error. The writer's signal aborts when the client goes away.
 */
export async function streamExport(
  write: (sink: WritableStream<Uint8Array>, signal: AbortSignal) => Promise<unknown>,
  clientSignal: AbortSignal | undefined,
  onError: (e: unknown) => void,
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
  const first = await Promise.race([
    reader.read().then((r) => ({ kind: "chunk" as const, r })),
    done.then((d) => ({ kind: "done" as const, d })),
  ]);
  if (first.kind === "done" && !first.d.ok) {
    clientSignal?.removeEventListener("abort", onAbort);
    reader.cancel().catch(() => {});
    throw first.d.error;
  }
  const firstRead = first.kind === "chunk" ? first.r : await reader.read();
  done.then((d) => {
    clientSignal?.removeEventListener("abort", onAbort);
    if (!d.ok && !ac.signal.aborted) onError(d.error);
  });
  let pending: ReadableStreamReadResult<Uint8Array> | null = firstRead;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const r = pending ?? await reader.read().catch((e) => {
        controller.error(e);
        return null;
      });
      pending = null;
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
