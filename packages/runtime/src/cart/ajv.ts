import AjvModule from "ajv";
import standaloneModule from "ajv/dist/standalone/index.js";
import { cartSchema } from "./schema.js";
import type { AttributeSpec } from "./types.js";
import { createCartValidatorWith, type CartValidator, type SchemaCheck } from "./validate.js";

// ajv is CommonJS; under NodeNext a default import is `module.exports`, whose `default` is the export.
const Ajv = AjvModule.default;
const standaloneCode = standaloneModule.default;

/*
 * allErrors: every problem is reported, not the first. allowUnionTypes: nullable fields are
 * `type: ["string", "null"]`. verbose: errors carry the offending value ("not the number 19.99").
 * unicode: false counts string lengths in UTF-16 units, which keeps standalone code free of ajv's runtime
 * helpers (a require the bundles must not contain); limits are generous enough for the difference not to matter.
 */
const OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true, verbose: true, unicode: false, logger: false } as const;

/** The schema check compiled with ajv at run time (Node). */
export function compileCartSchema(attributes: readonly AttributeSpec[]): SchemaCheck {
  return new Ajv(OPTIONS).compile(cartSchema(attributes)) as SchemaCheck;
}

/** A validator for Node: the schema compiled with ajv at run time. */
export function createCartValidator(attributes: readonly AttributeSpec[]): CartValidator {
  return createCartValidatorWith(attributes, compileCartSchema(attributes));
}

/** ES module source whose default export is the schema check, compiled ahead of time for bundles. */
export function cartSchemaModuleSource(attributes: readonly AttributeSpec[]): string {
  const ajv = new Ajv({ ...OPTIONS, code: { source: true, esm: true } });
  return standaloneCode(ajv, ajv.compile(cartSchema(attributes)));
}
