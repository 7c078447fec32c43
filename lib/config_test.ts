import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "./config.ts";

Deno.test("loadConfig gives working defaults for an empty environment", () => {
  const c = loadConfig({});
  assert.equal(c.port, 8000);
  assert.equal(c.tz, "UTC");
  assert.equal(c.mcp.mode, "embedded");
  assert.equal(c.mcp.database, "ccs_dev");
  assert.equal(c.model.provider, "auto");
  assert.equal(c.model.name, "gpt-5-mini");
  assert.equal(c.auth.demoUser, "demo");
  assert.equal(c.auth.demoPassword, "demo-supervisor");
  assert.equal(c.now, null);
});

Deno.test("loadConfig names the variable of an invalid value", () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: "eighty" }, /PORT/],
    [{ PORT: "70000" }, /PORT/],
    [{ BUSINESS_TZ: "Mars/Olympus" }, /BUSINESS_TZ/],
    [{ NOW: "yesterday" }, /NOW/],
    [{ MCP_MODE: "postgres" }, /MCP_MODE/],
    [{ MCP_MODE: "http" }, /MCP_URL/],
    [{ MCP_MODE: "stdio" }, /MCP_COMMAND/],
    [{ MODEL_PROVIDER: "claude" }, /MODEL_PROVIDER/],
    [{ OPENAI_TEMPERATURE: "3" }, /OPENAI_TEMPERATURE/],
    [{ OPENAI_REASONING_EFFORT: "max" }, /OPENAI_REASONING_EFFORT/],
    [{ OPENAI_BASE_URL: "not a url" }, /OPENAI_BASE_URL/],
  ];
  for (const [env, re] of cases) {
    assert.throws(
      () => loadConfig(env),
      (e: unknown) => e instanceof ConfigError && re.test(e.message),
    );
  }
});

Deno.test("loadConfig reads every documented variable of .env.example", async () => {
  const example = await Deno.readTextFile(new URL("../.env.example", import.meta.url));
  const documented = [...example.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]);
  const source = await Deno.readTextFile(new URL("./config.ts", import.meta.url));
  const otel = ["OTEL_DENO", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME"];
  for (const name of documented) {
    if (otel.includes(name)) continue;
    assert.ok(source.includes(`"${name}"`), `${name} is documented but not read`);
  }
  for (const m of source.matchAll(/\(env, "([A-Z_]+)"/g)) {
    assert.ok(documented.includes(m[1]), `${m[1]} is read but not documented in .env.example`);
  }
});

Deno.test("DEMO_USER set to empty disables the demo user", () => {
  assert.equal(loadConfig({ DEMO_USER: "" }).auth.demoUser, null);
  assert.equal(loadConfig({ DEMO_USER: "alice" }).auth.demoUser, "alice");
});

Deno.test("DATA_WORKER turns the data worker off; it is on by default", () => {
  assert.equal(loadConfig({}).dataWorker, true);
  assert.equal(loadConfig({ DATA_WORKER: "on" }).dataWorker, true);
  assert.equal(loadConfig({ DATA_WORKER: "off" }).dataWorker, false);
  assert.throws(
    () => loadConfig({ DATA_WORKER: "maybe" }),
    (e: unknown) => e instanceof ConfigError && /DATA_WORKER/.test(e.message),
  );
});
