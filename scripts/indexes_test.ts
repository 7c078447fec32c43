import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { CALLS, CUSTOMERS, type DataClient, type Document } from "../lib/data/types.ts";
import { main } from "./indexes.ts";

function indexClient(indexes: Record<string, Document[]>): DataClient & { closed: boolean } {
  const unused = () => Promise.reject(new Error("Not used by the index check"));
  const c = {
    database: "ccs_test",
    closed: false,
    listTools: () => Promise.resolve([]),
    callTool: (_name: string, args: Record<string, unknown>) =>
      Promise.resolve({
        isError: false,
        text: "",
        structured: {
          classicIndexes: (indexes[String(args.collection)] ?? []).map((key, i) => ({
            name: `i${i}`,
            key,
          })),
        },
      }),
    find: unused,
    aggregate: unused,
    count: unused,
    close: () => {
      c.closed = true;
      return Promise.resolve();
    },
  };
  return c;
}

async function run(args: string[], client: DataClient) {
  const out: string[] = [], err: string[] = [];
  const code = await main(args, {
    open: () => Promise.resolve(client),
    print: (l) => out.push(l),
    printError: (l) => err.push(l),
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

Deno.test("deno task indexes prints the missing indexes' createIndex commands and exits 1", async () => {
  const client = indexClient({
    [CALLS]: [{ _id: 1 }, { start_time: 1, _id: 1 }, { agent_name: 1, start_time: 1 }],
    [CUSTOMERS]: [{ _id: 1 }, { phone: 1 }],
  });
  const { code, out } = await run([], client);
  assert.equal(code, 1);
  assert.match(out, /MISSING\s+calling_cdr \{ customer_number: 1, start_time: 1 \}/);
  assert.match(
    out,
    /^ {2}db\.calling_cdr\.createIndex\(\{ customer_number: 1, start_time: 1 \}\)$/m,
  );
  assert.match(out, /ok\s+calling_cdr \{ start_time: 1 \}/);
  assert.ok(!out.includes("db.address_book.createIndex"), "present indexes are not listed");
  assert.ok(client.closed);
});

Deno.test("deno task indexes exits 0 when nothing is missing, advising on partial ones", async () => {
  const { code, out } = await run(
    [],
    indexClient({
      [CALLS]: [{ start_time: 1 }, { agent_name: 1 }, { customer_number: 1, start_time: 1 }],
      [CUSTOMERS]: [{ phone: 1 }],
    }),
  );
  assert.equal(code, 0);
  assert.match(
    out,
    /partial\s+calling_cdr \{ agent_name: 1, start_time: 1 \}.*only \{ agent_name: 1 \}/,
  );
  assert.match(out, /db\.calling_cdr\.createIndex\(\{ agent_name: 1, start_time: 1 \}\)/);
  assert.match(out, /No index the app expects is missing/);
});

Deno.test("deno task indexes --json; bad options and unreadable indexes exit 2", async () => {
  const json = await run(["--json"], indexClient({}));
  assert.equal(json.code, 1);
  assert.equal(JSON.parse(json.out).missing.length, 4);
  assert.equal((await run(["--bogus"], indexClient({}))).code, 2);
  const failing = indexClient({});
  failing.callTool = () => Promise.resolve({ isError: true, text: "not authorized" });
  const r = await run([], failing);
  assert.equal(r.code, 2);
  assert.match(r.err, /not authorized/);
});

Deno.test("deno task indexes over the embedded server exits 0", async () => {
  const script = fileURLToPath(new URL("./indexes.ts", import.meta.url));
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script],
    env: { MCP_MODE: "embedded", DEMO_DAYS: "1", DEMO_CALLS_PER_DAY: "20", DATA_DIR: "" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.match(text, /ok\s+calling_cdr \{ start_time: 1 \}/);
  assert.match(text, /No index the app expects is missing/);
});
