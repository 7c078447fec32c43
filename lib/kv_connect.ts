/**
 * The one opener of the app's Deno KV, for the server and every script: a local file or
 * `:memory:` (`KV_PATH`), a remote KV over KV Connect such as a self-hosted `denokv` or a
 * Deploy database reached from elsewhere (`KV_URL`, authenticated by
 * `DENO_KV_ACCESS_TOKEN`), or Deno Deploy's managed KV (`Deno.openKv()` with no argument).
 * A directory is created only for a local file; nothing is created for the others.
 *
 * @module
 */
import { dirname } from "node:path";
import type { Config, KvLocation } from "./config.ts";

/** The variable Deno reads the access token of a remote KV from. */
export const KV_ACCESS_TOKEN_VARIABLE = "DENO_KV_ACCESS_TOKEN";

/** How a {@linkcode KvLocation} is opened: decided without touching anything. */
export interface KvOpenPlan {
  /** The argument of `Deno.openKv`: a path, `:memory:`, a URL, or undefined (managed KV). */
  target: string | undefined;
  /** The directory to create first (a local file's); null for the others. */
  directory: string | null;
  /** What is opened, for messages ("the KV file ./data/app.kv (KV_PATH)"). */
  description: string;
}

/** Decides how `kv` is opened (see {@linkcode KvOpenPlan}). */
export function kvOpenPlan(kv: KvLocation): KvOpenPlan {
  switch (kv.kind) {
    case "path":
      return kv.path === ":memory:"
        ? { target: ":memory:", directory: null, description: "the in-memory KV (KV_PATH)" }
        : {
          target: kv.path,
          directory: dirname(kv.path),
          description: `the KV file ${kv.path} (KV_PATH)`,
        };
    case "url":
      return {
        target: kv.url,
        directory: null,
        description: `the remote KV at ${kv.url} (KV_URL)`,
      };
    case "managed":
      return { target: undefined, directory: null, description: "the managed KV of Deno Deploy" };
  }
}

/** Thrown when the configured KV cannot be opened; the message names what and why. */
export class KvOpenError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "KvOpenError";
  }
}

/** Options of {@linkcode openConfiguredKv}. */
export interface OpenConfiguredKvOptions {
  /** Opens the database; default `Deno.openKv` (tests observe the argument). */
  openKv?: (target?: string) => Promise<Deno.Kv>;
}

/**
 * Opens the KV that `config.kv` names. For a remote KV, the access token of the
 * configuration (which may come from `.env`) is put in the process environment when it is
 * not there already, since Deno reads it from there. Rejects with a {@linkcode KvOpenError}
 * naming the database when it cannot be opened.
 */
export async function openConfiguredKv(
  config: Pick<Config, "kv">,
  options: OpenConfiguredKvOptions = {},
): Promise<Deno.Kv> {
  const plan = kvOpenPlan(config.kv);
  // deploy-check: deploy-safe — plan.target is undefined on Deploy; a path only with KV_PATH
  const openKv = options.openKv ?? ((target?: string) => Deno.openKv(target));
  try {
    // deploy-check: local-only — plan.directory is set only for a local KV_PATH file
    if (plan.directory !== null) await Deno.mkdir(plan.directory, { recursive: true });
    if (config.kv.kind === "url" && !Deno.env.get(KV_ACCESS_TOKEN_VARIABLE)) {
      Deno.env.set(KV_ACCESS_TOKEN_VARIABLE, config.kv.accessToken);
    }
    return await openKv(plan.target);
  } catch (e) {
    throw new KvOpenError(
      `Cannot open ${plan.description}: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
}
