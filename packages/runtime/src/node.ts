/**
 * `@promo/runtime/node`: the core plus what compiles code at run time (ajv). For Node tools, the interpreter and
 * the compiler; compiled bundles import the core only and carry their schema check precompiled.
 */
import { compileCartSchema } from "./cart/ajv.js";
import type { AttributeSpec } from "./cart/types.js";
import { createEvaluatorWith, type Evaluator } from "./engine/evaluator.js";
import type { Program } from "./engine/program.js";

export * from "./index.js";
export { createCartValidator, cartSchemaModuleSource, compileCartSchema } from "./cart/ajv.js";

export function createEvaluator(program: Program, attributes: readonly AttributeSpec[]): Evaluator {
  return createEvaluatorWith(program, attributes, compileCartSchema(attributes));
}
