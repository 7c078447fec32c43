/**
 * A stdio MCP server for fault tests: the embedded server over generated demo data, except
 * that a `tools/call` whose arguments contain the text given by `--stall-on` never answers;
 * the server then writes its process id to the `--stall-file`, so the test can kill it
 * mid-query. (Arguments, not environment: a stdio server gets a filtered environment.)
 *
 * Usage: `stalling_mcp_server.ts --stall-on TEXT --stall-file PATH [--now ISO] [--tz IANA]`
 */
import { parseArgs } from "node:util";
// @ts-types="@modelcontextprotocol/sdk/server/stdio"
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { createEmbeddedMcpServer } from "../../lib/data/embedded_server.ts";
import { createMemoryStore } from "../../lib/data/memory_store.ts";
import { generateDataset } from "../../lib/data/seed.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    "stall-on": { type: "string", default: "" },
    "stall-file": { type: "string", default: "" },
    now: { type: "string", default: "2026-11-24T09:00:00Z" },
    tz: { type: "string", default: "Asia/Kolkata" },
  },
});
const stallOn = values["stall-on"];
const stallFile = values["stall-file"];
const dataset = generateDataset({
  days: 14,
  callsPerDay: 60,
  now: new Date(values.now),
  tz: values.tz,
});
const store = createMemoryStore({ ...dataset }, { database: "ccs_dev" });
store.buildIndexes();
const server = createEmbeddedMcpServer(store);
const transport = new StdioServerTransport();
await server.connect(transport);

// Between the transport and the server: hold back the calls to stall on.
const deliver = transport.onmessage!;
transport.onmessage = (message: Parameters<typeof deliver>[0]) => {
  const m = message as { method?: string; params?: unknown };
  if (stallOn && m.method === "tools/call" && JSON.stringify(m.params).includes(stallOn)) {
    if (stallFile) Deno.writeTextFileSync(stallFile, String(Deno.pid));
    return; // never answered
  }
  deliver(message);
};
