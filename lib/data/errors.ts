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

/**
 * The connection to the MCP server closed (a stdio server killed or crashed) with a call in
 * flight, or could not be opened again: the data source, not the query, failed.
 */
export class DataConnectionError extends DataError {
  constructor(message: string, tool?: string) {
    super(message, tool);
    this.name = "DataConnectionError";
  }
}
