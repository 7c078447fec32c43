/**
 * Errors of the report catalog.
 */

/**
 * Thrown when a report's parameters cannot be used (unknown report, bad period text,
 * a value outside an enum, a limit out of range). The message says what was wrong in
 * words a person (or the model) can act on.
 */
export class ReportParamError extends Error {
  /** The parameter at fault, when one is. */
  readonly param: string | null;

  constructor(message: string, param: string | null = null) {
    super(message);
    this.name = "ReportParamError";
    this.param = param;
  }
}
