/**
 * Static files from `static/`: `/build/*` (content-hashed bundles) cached for a year as
 * immutable, everything else briefly with an ETag (SHA-256 of the content) and 304 answers.
 * Only paths made of plain segments with a known extension are looked up; hidden files and
 * `..` never are.
 */

const CONTENT_TYPES: Record<string, string> = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  map: "application/json; charset=utf-8",
  json: "application/json; charset=utf-8",
  txt: "text/plain; charset=utf-8",
  html: "text/html; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  ico: "image/x-icon",
  woff: "font/woff",
  woff2: "font/woff2",
  webmanifest: "application/manifest+json",
};

/** Cache-Control of `/build/*`. */
export const IMMUTABLE_CACHE = "public, max-age=31536000, immutable";
/** Cache-Control of other static files. */
export const SHORT_CACHE = "public, max-age=60, must-revalidate";

interface Cached {
  mtime: number;
  size: number;
  body: Uint8Array<ArrayBuffer>;
  /** gzip of `body`, for text types over 1 KiB. */
  gzip: Uint8Array<ArrayBuffer> | null;
  etag: string;
}

const COMPRESSIBLE = /^(text\/|application\/(json|manifest\+json)|image\/svg)/;

async function gzip(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([data]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Serves files of one folder. */
export interface StaticFiles {
  /** The response for `req`, or null when no static file matches (the router goes on). */
  serve(req: Request, url: URL): Promise<Response | null>;
}

/** Creates a static file server over `dir`. */
export function createStaticFiles(dir: string): StaticFiles {
  const cache = new Map<string, Cached>();
  async function load(path: string, type: string): Promise<Cached | null> {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch {
      return null;
    }
    if (!info.isFile) return null;
    const mtime = info.mtime?.getTime() ?? 0;
    const hit = cache.get(path);
    if (hit && hit.mtime === mtime && hit.size === info.size) return hit;
    const body = await Deno.readFile(path);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
    const etag = `"${
      Array.from(digest.slice(0, 16), (b) => b.toString(16).padStart(2, "0")).join("")
    }"`;
    const packed = COMPRESSIBLE.test(type) && body.length > 1024 ? await gzip(body) : null;
    const entry = {
      mtime,
      size: info.size,
      body,
      gzip: packed && packed.length < body.length ? packed : null,
      etag,
    };
    cache.set(path, entry);
    return entry;
  }
  return {
    async serve(req, url) {
      if (req.method !== "GET" && req.method !== "HEAD") return null;
      let pathname: string;
      try {
        pathname = decodeURIComponent(url.pathname);
      } catch {
        return null;
      }
      const segs = pathname.split("/").slice(1);
      if (segs.length === 0 || segs.some((s) => !/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(s))) {
        return null;
      }
      const ext = segs[segs.length - 1].split(".").pop()!.toLowerCase();
      const type = segs[segs.length - 1].includes(".") ? CONTENT_TYPES[ext] : undefined;
      if (!type) return null;
      const file = await load(`${dir}/${segs.join("/")}`, type);
      if (!file) return null;
      const gz = file.gzip !== null &&
        /\bgzip\b/i.test(req.headers.get("Accept-Encoding") ?? "");
      // The gzip variant has its own ETag (same hash, "-gz" suffix).
      const etag = gz ? `${file.etag.slice(0, -1)}-gz"` : file.etag;
      const headers = new Headers({
        "Content-Type": type,
        "Cache-Control": segs[0] === "build" ? IMMUTABLE_CACHE : SHORT_CACHE,
        ETag: etag,
      });
      if (file.gzip) headers.set("Vary", "Accept-Encoding");
      const inm = req.headers.get("If-None-Match");
      if (inm && inm.split(",").some((t) => t.trim().replace(/^W\//, "") === etag)) {
        return new Response(null, { status: 304, headers });
      }
      if (gz) headers.set("Content-Encoding", "gzip");
      const body = gz ? file.gzip! : file.body;
      return new Response(req.method === "HEAD" ? null : body, { status: 200, headers });
    },
  };
}
