/**
 * Read-only guard for queries reaching the embedded server: rejects writing stages
 * (`$out`, `$merge`) and server-side JavaScript (`$where`, `$function`,
 * `$accumulator`) wherever they appear: top-level stages, `$facet` branches,
 * `$lookup` / `$unionWith` sub-pipelines, filters and expressions.
 *
 * @module
 */

/** Stages that write to a collection. */
export const WRITE_STAGES: readonly string[] = ["$out", "$merge"];
/** Operators that run JavaScript on the server. */
export const SCRIPT_OPERATORS: readonly string[] = ["$where", "$function", "$accumulator"];

/** A query that would write or run server-side JavaScript. */
export class ReadOnlyError extends Error {
  /** The operator found. */
  readonly operator: string;

  constructor(operator: string) {
    super(
      WRITE_STAGES.includes(operator)
        ? `In read-only mode you can not run pipelines with $out or $merge stages (found ${operator}).`
        : `The use of server-side JavaScript operators (${
          SCRIPT_OPERATORS.join(", ")
        }) is not allowed (found ${operator}).`,
    );
    this.name = "ReadOnlyError";
    this.operator = operator;
  }
}

const FORBIDDEN = new Set([...WRITE_STAGES, ...SCRIPT_OPERATORS]);

/** The first forbidden operator used as a key anywhere in `value`, or null. */
export function findForbiddenOperator(value: unknown): string | null {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      for (const item of v) stack.push(item);
    } else if (v !== null && typeof v === "object") {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) continue;
      for (const [key, nested] of Object.entries(v)) {
        if (FORBIDDEN.has(key)) return key;
        stack.push(nested);
      }
    }
  }
  return null;
}

/** Throws a {@link ReadOnlyError} when `value` uses a forbidden operator anywhere. */
export function assertReadOnly(value: unknown): void {
  const op = findForbiddenOperator(value);
  if (op) throw new ReadOnlyError(op);
}
