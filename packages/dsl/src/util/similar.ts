// One edit distance for the whole project: the runtime owns it (cart messages suggest property names) and the
// front end, which already depends on the runtime, re-exports it for its did-you-mean diagnostics.
export { editDistance, suggest } from "@promo/runtime";
