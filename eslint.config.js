// typescript-eslint's recommended rules (not the type-checked set: it would need a full program per file and
// double the lint time) over the TypeScript and JavaScript sources and tests.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["**/dist/**", "**/node_modules/**", "build/**", "bench/node_modules/**", "editors/vscode/dist/**", "**/*.d.ts", "**/*.d.mts", "coverage/**"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        Buffer: "readonly",
        URL: "readonly",
        TextDecoder: "readonly",
        TextEncoder: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setImmediate: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        MessageChannel: "readonly",
        performance: "readonly",
        structuredClone: "readonly",
        queueMicrotask: "readonly",
        globalThis: "readonly",
      },
    },
    rules: {
      // Deliberate: renderers and tests match ANSI escapes and control characters on purpose.
      "no-control-regex": "off",
      // Deliberate: `_` names an unused binding kept for position (tuple destructuring, callback signatures).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    files: ["**/test/**", "test/**"],
    rules: {
      // Tests take JSON documents apart and build hostile inputs (holes in arrays are the point there).
      "@typescript-eslint/no-explicit-any": "off",
      "no-sparse-arrays": "off",
    },
  },
);
