/** Where the page's rule file lives in the in-memory workspace (the language server sees the same path). */
export const RULES_PATH = "/playground/rules.promo";
export const RULES_URI = "file:///playground/rules.promo";
