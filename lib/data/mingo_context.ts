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

/** A complete mingo context: every built-in operator, with `overrides` taking precedence. */
export function buildMingoContext(overrides: OperatorOverrides = {}): Context {
  return Context.init({
    accumulator: { ...accumulatorOperators, ...overrides.accumulator } as never,
    expression: { ...expressionOperators, ...overrides.expression } as never,
    pipeline: { ...pipelineOperators, ...overrides.pipeline } as never,
    projection: { ...projectionOperators } as never,
    query: { ...queryOperators, ...overrides.query } as never,
    window: { ...windowOperators } as never,
  });
}
