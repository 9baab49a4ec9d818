import type { TextEdit } from "vscode-languageserver/node";
import type { TextDocument } from "vscode-languageserver-textdocument";

/**
 * The smallest single edit that turns `doc`'s text between `start` and `end` (UTF-16 offsets) into `newText`:
 * the common prefix and suffix are kept, so the editor keeps the cursor, selections and folding outside the
 * change. Never splits a surrogate pair or a CRLF. Undefined when nothing changes.
 */
export function minimalEdit(doc: TextDocument, text: string, start: number, end: number, newText: string): TextEdit | undefined {
  const old = text.slice(start, end);
  if (old === newText) return undefined;
  const max = Math.min(old.length, newText.length);
  let prefix = 0;
  while (prefix < max && old.charCodeAt(prefix) === newText.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && old.charCodeAt(old.length - 1 - suffix) === newText.charCodeAt(newText.length - 1 - suffix)) suffix++;
  // Move the cut points outwards until neither one sits inside a surrogate pair or a CRLF.
  while (prefix > 0 && (splits(old, prefix) || splits(newText, prefix))) prefix--;
  while (suffix > 0 && (splits(old, old.length - suffix) || splits(newText, newText.length - suffix))) suffix--;
  return {
    range: { start: doc.positionAt(start + prefix), end: doc.positionAt(end - suffix) },
    newText: newText.slice(prefix, newText.length - suffix),
  };
}

/** Whether cutting `text` at `at` separates two code units that belong together. */
function splits(text: string, at: number): boolean {
  if (at <= 0 || at >= text.length) return false;
  const before = text.charCodeAt(at - 1);
  const after = text.charCodeAt(at);
  if (before === 13 && after === 10) return true;
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
}
