/**
 * Serves an MCP server over Streamable HTTP at `/mcp` (stateless: a fresh server
 * and transport per request, JSON responses), for `deno task mcp`.
 *
 * - Browsers send an `Origin` header: a request with an Origin outside
 *   `allowedOrigins` is refused with 403, which also defeats DNS rebinding.
 *   Clients that are not browsers send none and pass.
 * - With a `token`, requests need `Authorization: Bearer <token>` (401 otherwise).
 *
 * @module
 */
import { Hono } from "hono";
// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
// @ts-types="@modelcontextprotocol/sdk/server/webStandardStreamableHttp"
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";

/** Options of {@link createMcpHttpApp}. */
export interface McpHttpOptions {
  /** Bearer token required on every request; none when null or empty. */
  token?: string | null;
  /** Origins (`https://host:port`) browsers may call from; none by default. */
  allowedOrigins?: string[];
  /** Path of the endpoint; default `/mcp`. */
  path?: string;
}

function rpcError(code: number, message: string) {
  return { jsonrpc: "2.0", error: { code, message }, id: null };
}

/** Compares two strings in time independent of where they differ. */
function sameSecret(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/** A Hono app serving `createServer()`'s MCP server over Streamable HTTP. */
export function createMcpHttpApp(createServer: () => McpServer, opts: McpHttpOptions = {}): Hono {
  const path = opts.path ?? "/mcp";
  const allowed = new Set((opts.allowedOrigins ?? []).map((o) => o.replace(/\/+$/, "")));
  const token = opts.token || null;
  const app = new Hono();

  app.all(path, async (c) => {
    const origin = c.req.header("origin");
    if (origin !== undefined && !allowed.has(origin.replace(/\/+$/, ""))) {
      return c.json(rpcError(-32000, `Forbidden: origin ${origin} is not allowed`), 403);
    }
    if (token) {
      const auth = c.req.header("authorization") ?? "";
      if (!sameSecret(auth, `Bearer ${token}`)) {
        c.header("WWW-Authenticate", 'Bearer realm="mcp"');
        return c.json(rpcError(-32001, "Unauthorized: a valid bearer token is required"), 401);
      }
    }
    const server = createServer();
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    try {
      await server.connect(transport);
      return await transport.handleRequest(c.req.raw);
    } finally {
      // JSON responses are complete once handleRequest resolves.
      await transport.close().catch(() => {});
      await server.close().catch(() => {});
    }
  });

  app.notFound((c) => c.json(rpcError(-32601, `Not found: the MCP endpoint is ${path}`), 404));
  return app;
}
