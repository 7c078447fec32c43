import assert from "node:assert/strict";
import { loadConfig } from "../config.ts";
import { createProvider, resolveProviderName } from "./provider.ts";
import { fakeDataClient } from "../../testing/agent_doubles.ts";

const opts = { tz: "UTC", now: () => new Date(), client: fakeDataClient() };

Deno.test("auto picks OpenAI only when a key is set", () => {
  assert.equal(resolveProviderName(loadConfig({})), "offline");
  assert.equal(resolveProviderName(loadConfig({ OPENAI_API_KEY: "sk-x" })), "openai");
  assert.equal(
    resolveProviderName(loadConfig({ OPENAI_API_KEY: "sk-x", MODEL_PROVIDER: "offline" })),
    "offline",
  );
  assert.equal(createProvider(loadConfig({}), opts).name, "offline");
  assert.equal(createProvider(loadConfig({ OPENAI_API_KEY: "sk-x" }), opts).name, "openai");
});

Deno.test("MODEL_PROVIDER=openai without a key or base URL is a configuration error", () => {
  assert.throws(
    () => createProvider(loadConfig({ MODEL_PROVIDER: "openai" }), opts),
    /OPENAI_API_KEY is required/,
  );
  const local = loadConfig({
    MODEL_PROVIDER: "openai",
    OPENAI_BASE_URL: "http://localhost:11434/v1",
  });
  assert.equal(createProvider(local, opts).name, "openai");
});
