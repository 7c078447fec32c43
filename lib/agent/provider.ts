/**
 * Picks the model provider from the configuration: `offline` (the planner, no network),
 * `openai` (any OpenAI-compatible endpoint), or `auto` (OpenAI when a key is set).
 */
import type { Config } from "../config.ts";
import { ConfigError } from "../config.ts";
import type { DataClient } from "../data/types.ts";
import { createOfflineProvider } from "./offline/planner.ts";
import { createOpenAIProvider } from "./providers/openai.ts";
import type { ModelProvider } from "./types.ts";

/** The provider name `auto` resolves to. */
export function resolveProviderName(config: Pick<Config, "model">): "offline" | "openai" {
  const { provider, apiKey } = config.model;
  if (provider === "auto") return apiKey ? "openai" : "offline";
  return provider;
}

/**
 * Creates the configured model provider. The offline planner reads agent names, queues
 * and customers through `client` (cached), so create one provider per process.
 */
export function createProvider(
  config: Pick<Config, "model">,
  opts: { tz: string; now: () => Date; client: DataClient },
): ModelProvider {
  const m = config.model;
  if (resolveProviderName(config) === "openai") {
    if (!m.apiKey && !m.baseUrl) {
      throw new ConfigError(
        "OPENAI_API_KEY",
        "is required when MODEL_PROVIDER=openai (or set OPENAI_BASE_URL for a local server)",
      );
    }
    return createOpenAIProvider({
      apiKey: m.apiKey,
      baseUrl: m.baseUrl,
      model: m.name,
      temperature: m.temperature,
      reasoningEffort: m.reasoningEffort,
      timeoutMs: m.timeoutMs,
      maxRetries: m.maxRetries,
    });
  }
  return createOfflineProvider({ tz: opts.tz, now: opts.now, client: opts.client });
}
