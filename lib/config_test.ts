import assert from "node:assert/strict";
import { ConfigError, DEFAULT_KV_PATH, loadConfig, readEnv } from "./config.ts";

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
  assert.equal(loadConfig({}).auth.retiredDemo, null);
});

Deno.test("DEMO_USER=off turns the demo account off, and names the account to retire", () => {
  for (const value of ["off", "OFF", ""]) {
    const auth = loadConfig({ DEMO_USER: value }).auth;
    assert.equal(auth.demoUser, null, value);
    assert.deepEqual(auth.retiredDemo, { username: "demo", passwords: ["demo-supervisor"] });
  }
  // An invalid DEMO_PASSWORD does not matter while the account is off; both are tried.
  assert.deepEqual(loadConfig({ DEMO_USER: "off", DEMO_PASSWORD: "x" }).auth.retiredDemo, {
    username: "demo",
    passwords: ["x", "demo-supervisor"],
  });
  assert.throws(() => loadConfig({ DEMO_USER: "demo", DEMO_PASSWORD: "x" }), /DEMO_PASSWORD/);
});

Deno.test("the KV defaults to ./data/app.kv on a machine and the managed KV on Deploy", () => {
  assert.deepEqual(loadConfig({}).kv, { kind: "path", path: DEFAULT_KV_PATH });
  assert.equal(loadConfig({}).deploy, false);
  const deploy = loadConfig({ DENO_DEPLOYMENT_ID: "dpl_1" });
  assert.equal(deploy.deploy, true);
  assert.deepEqual(deploy.kv, { kind: "managed" });
  assert.deepEqual(loadConfig({ DENO_DEPLOYMENT_ID: "dpl_1", KV_PATH: ":memory:" }).kv, {
    kind: "path",
    path: ":memory:",
  });
});

Deno.test("stdio MCP is refused on Deno Deploy with a message pointing to HTTP MCP", () => {
  const env = { MCP_MODE: "stdio", MCP_COMMAND: "npx -y mongodb-mcp-server@3 --readOnly" };
  assert.equal(loadConfig(env).mcp.mode, "stdio");
  assert.throws(
    () => loadConfig({ ...env, DENO_DEPLOYMENT_ID: "dpl_1" }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message.includes("MCP_MODE stdio cannot run on Deno Deploy (no subprocesses)") &&
      e.message.includes("use MCP_MODE=http with MCP_URL"),
  );
  const http = loadConfig({
    MCP_MODE: "http",
    MCP_URL: "https://mcp.example.com/mcp",
    DENO_DEPLOYMENT_ID: "dpl_1",
  });
  assert.equal(http.mcp.mode, "http");
});

Deno.test("the demo dataset is sized for an isolate on Deploy unless DEMO_* says otherwise", () => {
  const local = loadConfig({}).demoData;
  assert.equal(local.days * local.callsPerDay, 48_000);
  const deploy = loadConfig({ DENO_DEPLOYMENT_ID: "dpl_1" }).demoData;
  assert.ok(deploy.days * deploy.callsPerDay <= 25_000, `${deploy.days}x${deploy.callsPerDay}`);
  assert.equal(deploy.days, local.days, "the same span of days, fewer calls a day");
  const set = loadConfig({ DENO_DEPLOYMENT_ID: "dpl_1", DEMO_CALLS_PER_DAY: "800" }).demoData;
  assert.equal(set.callsPerDay, 800);
});

Deno.test("readEnv reads .env under the real environment, and copes with no .env or no read permission", async () => {
  const dir = await Deno.makeTempDir({ prefix: "config_test_" });
  try {
    await Deno.writeTextFile(`${dir}/.env`, "CONFIG_TEST_ONLY_IN_FILE=from-file\nPATH=from-file\n");
    const env = readEnv(`${dir}/.env`);
    assert.equal(env.CONFIG_TEST_ONLY_IN_FILE, "from-file");
    assert.equal(env.PATH, Deno.env.get("PATH"), "real variables win");
    assert.equal(readEnv(`${dir}/missing.env`).CONFIG_TEST_ONLY_IN_FILE, undefined);
    assert.equal(readEnv(dir).PATH, Deno.env.get("PATH"), "a directory is no .env");
    // Without read permission (as where files cannot be read): no .env, no error.
    const script = `${dir}/read_env.ts`;
    await Deno.writeTextFile(
      script,
      `import { readEnv } from ${JSON.stringify(new URL("./config.ts", import.meta.url).href)};
      const env = readEnv(${JSON.stringify(`${dir}/.env`)});
      console.log(JSON.stringify([env.CONFIG_TEST_ONLY_IN_FILE ?? null, env.MARKER ?? null]));`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-check",
        "--allow-env",
        `--config=${new URL("../deno.json", import.meta.url).pathname}`,
        script,
      ],
      env: { MARKER: "real" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), [null, "real"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
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

Deno.test("mail: SMTP_URL, MAIL_FROM, MAIL_ALLOWED_DOMAINS, SMTP_TIMEOUT_MS and APP_URL", () => {
  const none = loadConfig({});
  assert.equal(none.mail?.smtpUrl, null);
  assert.deepEqual(none.mail?.allowedDomains, []);
  assert.equal(none.appUrl, null);
  const c = loadConfig({
    SMTP_URL: "smtp://u:p@127.0.0.1:2525",
    MAIL_FROM: "Reports <reports@example.com>",
    MAIL_ALLOWED_DOMAINS: " Example.com, @example.org ",
    SMTP_TIMEOUT_MS: "5000",
    APP_URL: "https://cc.example.com/",
  });
  assert.deepEqual(c.mail, {
    smtpUrl: "smtp://u:p@127.0.0.1:2525",
    from: "Reports <reports@example.com>",
    allowedDomains: ["example.com", "example.org"],
    timeoutMs: 5000,
  });
  assert.equal(c.appUrl, "https://cc.example.com");
  const bad: [Record<string, string>, RegExp][] = [
    [{ SMTP_URL: "http://mail.example.com" }, /SMTP_URL must be an smtp/],
    [{ SMTP_URL: "smtp://mail.example.com" }, /MAIL_FROM is required/],
    [{ MAIL_FROM: "nobody" }, /MAIL_FROM must be an address/],
    [{ MAIL_ALLOWED_DOMAINS: "example.com,not a domain" }, /MAIL_ALLOWED_DOMAINS/],
    [{ APP_URL: "ftp://x" }, /APP_URL/],
  ];
  for (const [env, re] of bad) assert.throws(() => loadConfig(env), re);
});

Deno.test("alerts: ALERT_WEBHOOK_ALLOW_PRIVATE and ALERT_WEBHOOK_TIMEOUT_MS", () => {
  assert.deepEqual(loadConfig({}).alerts, { webhookAllowPrivate: false, webhookTimeoutMs: 10_000 });
  assert.deepEqual(
    loadConfig({ ALERT_WEBHOOK_ALLOW_PRIVATE: "true", ALERT_WEBHOOK_TIMEOUT_MS: "2500" }).alerts,
    { webhookAllowPrivate: true, webhookTimeoutMs: 2500 },
  );
  assert.throws(
    () => loadConfig({ ALERT_WEBHOOK_ALLOW_PRIVATE: "yes" }),
    /ALERT_WEBHOOK_ALLOW_PRIVATE must be one of true, false/,
  );
  assert.throws(() => loadConfig({ ALERT_WEBHOOK_TIMEOUT_MS: "10" }), /ALERT_WEBHOOK_TIMEOUT_MS/);
});
