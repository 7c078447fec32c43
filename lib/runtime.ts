/**
 * Where the app runs: Deno Deploy or a machine of its own. Deploy has no subprocesses, no
 * signals, no local directories to create and its own KV; the parts that differ ask
 * {@linkcode onDeploy} (the one place that knows how to tell), and the signal handling of
 * `main.ts` goes through {@linkcode onStopSignals}, which does nothing where signals are
 * not available.
 *
 * @module
 */

/** The variable Deno Deploy sets in every deployment (its id). */
export const DEPLOYMENT_ID_VARIABLE = "DENO_DEPLOYMENT_ID";

/**
 * True on Deno Deploy: `DENO_DEPLOYMENT_ID` is set. Reads `env` when given (tests, and the
 * configuration's own environment), else the process environment; false when the
 * environment cannot be read.
 */
export function onDeploy(env?: Record<string, string | undefined>): boolean {
  if (env) return !!env[DEPLOYMENT_ID_VARIABLE]?.trim();
  try {
    return !!Deno.env.get(DEPLOYMENT_ID_VARIABLE)?.trim();
  } catch {
    return false; // no permission to read the environment: not Deploy's runtime
  }
}

/** Options of {@linkcode onStopSignals}. */
export interface StopSignalOptions {
  /** Running on Deno Deploy (no signals there); default {@linkcode onDeploy}(). */
  deploy?: boolean;
  /** Operating system; default `Deno.build.os` (Windows has only SIGINT, SIGBREAK). */
  os?: typeof Deno.build.os;
}

/** Signal listeners that were added, and how to take them away. */
export interface StopSignals {
  /** The signals listened to; empty where signals are not available. */
  signals: Deno.Signal[];
  /** Removes the listeners. */
  remove(): void;
}

/**
 * Calls `stop` on SIGINT (and SIGTERM outside Windows) where the runtime has signal
 * listeners; on Deno Deploy, or where adding a listener fails (not supported, no
 * permission), it adds none and never throws.
 */
export function onStopSignals(stop: () => void, options: StopSignalOptions = {}): StopSignals {
  const deploy = options.deploy ?? onDeploy();
  const os = options.os ?? Deno.build.os;
  const added: Deno.Signal[] = [];
  // deploy-check: local-only — signals only off Deploy (deploy defaults to onDeploy())
  if (!deploy && typeof Deno.addSignalListener === "function") {
    const wanted: Deno.Signal[] = os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
    for (const signal of wanted) {
      try {
        Deno.addSignalListener(signal, stop);
        added.push(signal);
      } catch {
        // Not available here: the platform stops the process its own way.
      }
    }
  }
  return {
    signals: [...added],
    remove() {
      for (const signal of added.splice(0)) {
        try {
          Deno.removeSignalListener(signal, stop);
        } catch { /* already gone */ }
      }
    },
  };
}
