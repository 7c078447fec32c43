/**
 * Errors of the data layer.
 *
 * @module
 */

/** A data-layer call that failed: tool error, timeout, unreachable server. */
export class DataError extends Error {
  /** The tool concerned, when there is one. */
  readonly tool: string | undefined;

  constructor(message: string, tool?: string) {
    super(message);
    this.name = "DataError";
    this.tool = tool;
  }
}
