/**
 * The one read-only guard of the app. Every path that sends a query uses it: the MCP
 * client before anything reaches a server (embedded or real), the embedded server
 * on what it receives, and the agent's tools on the pipelines a model writes (custom
 * Excel reports). It refuses
 *
 * - tools outside the read allow-list ({@link READ_TOOLS}: insert-many, drop-collection,
 *   export, connect…);
 * - writing stages (`$out`, `$merge`) and server-side JavaScript (`$where`,
 *   `$function`, `$accumulator`) wherever they appear: top-level stages, `$facet`
 *   branches, `$lookup` / `$unionWith` sub-pipelines, filters and expressions.
 *
 * @module
 */

/** Tools that only read: the MongoDB MCP server's read tools. Any other tool is refused. */
export const READ_TOOLS: ReadonlySet<string> = new Set([
  "find",
  "aggregate",
  "count",
  "list-databases",
  "list-collections",
  "collection-schema",
  "collection-indexes",
  "collection-storage-size",
  "db-stats",
  "explain",
]);

/** Stages that write to a collection. */
export const WRITE_STAGES: readonly string[] = ["$out", "$merge"];
/** Operators that run JavaScript on the server. */
export const SCRIPT_OPERATORS: readonly string[] = ["$where", "$function", "$accumulator"];

/** A query that would write or run server-side JavaScript, or a tool that is not a read. */
export class ReadOnlyError extends Error {
  /** The operator (or tool name) found. */
  readonly operator: string;

  constructor(operator: string, message?: string) {
    super(
      message ??
        (WRITE_STAGES.includes(operator)
          ? `In read-only mode you can not run pipelines with $out or $merge stages (found ${operator}).`
          : `The use of server-side JavaScript operators (${
            SCRIPT_OPERATORS.join(", ")
          }) is not allowed (found ${operator}).`),
    );
    this.name = "ReadOnlyError";
    this.operator = operator;
  }
}

const FORBIDDEN = new Set([...WRITE_STAGES, ...SCRIPT_OPERATORS]);

/** The first forbidden operator used as a key anywhere in `value`, or null. */
export function findForbiddenOperator(value: unknown): string | null {
  const stack: unknown[] = [value];
  const seen = new Set<unknown>();
  while (stack.length) {
    const v = stack.pop();
    if (v !== null && typeof v === "object") {
      if (seen.has(v)) continue;
      seen.add(v);
    }
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

/** Throws a {@link ReadOnlyError} unless `name` is one of the {@link READ_TOOLS}. */
export function assertReadTool(name: string): void {
  if (READ_TOOLS.has(name)) return;
  throw new ReadOnlyError(
    name,
    `Tool "${name}" is not allowed: the assistant only reads data (allowed tools: ${
      [...READ_TOOLS].join(", ")
    }).`,
  );
}

/**
 * Throws a {@link ReadOnlyError} when the call of tool `name` with `args` could write or
 * run JavaScript: a tool off the allow-list, or a forbidden operator anywhere in `args`.
 */
export function assertReadOnlyCall(name: string, args: unknown): void {
  assertReadTool(name);
  assertReadOnly(args);
}
