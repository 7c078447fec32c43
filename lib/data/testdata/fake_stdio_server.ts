/**
 * A stand-in for `npx -y mongodb-mcp-server@3` in tests: waits `FAKE_MCP_DELAY_MS` (a
 * first install), then serves MCP on stdio with one read tool, `db-stats`, whose result
 * is the environment variables the app must (or must not) pass to a spawned server.
 */
// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
// @ts-types="@modelcontextprotocol/sdk/server/stdio"
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";

const SEEN = [
  "MDB_MCP_TELEMETRY",
  "MDB_MCP_CONNECTION_STRING",
  "DO_NOT_TRACK",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "https_proxy",
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "npm_config_registry",
  "SECRET_NOT_FOR_CHILD",
];

await new Promise((r) => setTimeout(r, Number(Deno.env.get("FAKE_MCP_DELAY_MS") ?? 0)));
const server = new McpServer({ name: "fake", version: "0.0.1" }, { capabilities: { tools: {} } });
server.registerTool("db-stats", { description: "environment seen" }, () => {
  const env: Record<string, string | null> = {};
  for (const k of SEEN) env[k] = Deno.env.get(k) ?? null;
  return { content: [{ type: "text", text: "env" }], structuredContent: { env } };
});
await server.connect(new StdioServerTransport());
