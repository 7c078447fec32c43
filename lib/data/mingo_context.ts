/**
 * mingo operator contexts. mingo's convenience classes (`import { Aggregator } from
 * "mingo"`) merge a caller's context *under* the built-in operators, so built-ins
 * cannot be replaced that way; this module builds complete contexts instead, for use
 * with the base `Aggregator` (`mingo/aggregator`) and `Query` (`mingo/query`).
 *
 * @module
 */
import { Context } from "mingo/core";
import * as accumulatorOperators from "mingo/operators/accumulator";
import * as expressionOperators from "mingo/operators/expression";
import * as pipelineOperators from "mingo/operators/pipeline";
import * as projectionOperators from "mingo/operators/projection";
import * as queryOperators from "mingo/operators/query";
import * as windowOperators from "mingo/operators/window";
import type {
  AccumulatorOperator,
  ExpressionOperator,
  PipelineOperator,
  QueryOperator,
} from "mingo/types";

/** Operators that replace or add to mingo's built-ins, by kind. */
export interface OperatorOverrides {
  accumulator?: Record<string, AccumulatorOperator>;
  expression?: Record<string, ExpressionOperator>;
  pipeline?: Record<string, PipelineOperator>;
  query?: Record<string, QueryOperator>;
}

/** Any operator function (mingo's operator types do not compose). */
// deno-lint-ignore no-explicit-any
export type AnyOperator = (...args: any[]) => any;

/** Functions that wrap every operator of a kind (e.g. to check a deadline on each call). */
export interface OperatorWrappers {
  accumulator?: (op: AnyOperator) => AnyOperator;
  expression?: (op: AnyOperator) => AnyOperator;
  pipeline?: (op: AnyOperator) => AnyOperator;
  query?: (op: AnyOperator) => AnyOperator;
}

function wrapAll<T>(
  ops: Record<string, T>,
  wrap: ((op: AnyOperator) => AnyOperator) | undefined,
): Record<string, T> {
  if (!wrap) return ops;
  const out: Record<string, T> = {};
  for (const [name, op] of Object.entries(ops)) {
    out[name] = typeof op === "function" ? wrap(op as AnyOperator) as T : op;
  }
  return out;
}

/**
 * A complete mingo context: every built-in operator, with `overrides` taking precedence,
 * each wrapped by `wrappers` of its kind when given.
 */
export function buildMingoContext(
  overrides: OperatorOverrides = {},
  wrappers: OperatorWrappers = {},
): Context {
  return Context.init({
    accumulator: wrapAll(
      { ...accumulatorOperators, ...overrides.accumulator } as unknown as Record<
        string,
        AccumulatorOperator
      >,
      wrappers.accumulator,
    ) as never,
    expression: wrapAll(
      { ...expressionOperators, ...overrides.expression } as unknown as Record<
        string,
        ExpressionOperator
      >,
      wrappers.expression,
    ) as never,
    pipeline: wrapAll(
      { ...pipelineOperators, ...overrides.pipeline } as unknown as Record<
        string,
        PipelineOperator
      >,
      wrappers.pipeline,
    ) as never,
    projection: { ...projectionOperators } as never,
    query: wrapAll(
      { ...queryOperators, ...overrides.query } as unknown as Record<string, QueryOperator>,
      wrappers.query,
    ) as never,
    window: { ...windowOperators } as never,
  });
}
