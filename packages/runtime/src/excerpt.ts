/** How much of a user's value an error message quotes. */
export const EXCERPT_LENGTH = 40;

/**
 * `text` as an error message may show it: unchanged when short, else its first `EXCERPT_LENGTH` characters, "…" and
 * its length — `"99999999999999999999999999999999999999999…" (5000000 characters)`-style — so that a 5 MB value
 * never becomes a 5 MB message. Never cuts a surrogate pair in half.
 */
export function excerpt(text: string, max = EXCERPT_LENGTH): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}… (${text.length} characters)`;
}

/** `excerpt` in JSON quotes (as messages quote strings), the length outside the quotes. */
export function quoteExcerpt(text: string, max = EXCERPT_LENGTH): string {
  if (text.length <= max) return JSON.stringify(text);
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${JSON.stringify(text.slice(0, end) + "…")} (${text.length} characters)`;
}
