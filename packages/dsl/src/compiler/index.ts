/**
 * @promo/dsl/compiler: the code generator and bundler. The only entry of this package that loads esbuild, so the
 * language server and anything else that only parses and checks (`@promo/dsl`) never pays for it.
 */
export { compile, type CompileResult, type CompileOptions } from "./compile.js";
export { emitModule, emitProgram, type EmitOptions, type EmittedModule } from "../emit/emit.js";
export { bundleModule, bundleModuleSync, type BundleOptions, type BundleResult } from "../emit/bundle.js";
export { linkModule, type LinkOptions, type LinkResult } from "../emit/link.js";
