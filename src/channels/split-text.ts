/** Splitting long texts for platforms with a message length limit. */

/**
 * Cuts a text into pieces of at most `max` UTF-16 units (how LINE and Telegram count), preferring a
 * paragraph break, then a line break, then a space, and never cutting a surrogate pair in two.
 */
export function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = -1;
    for (const sep of ['\n\n', '\n', ' ']) {
      const at = rest.lastIndexOf(sep, max - sep.length);
      // A break in the first half would make many tiny pieces; cut hard instead.
      if (at > max / 2) {
        cut = at + sep.length;
        break;
      }
    }
    if (cut < 0) {
      cut = max;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    }
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length || parts.length === 0) parts.push(rest);
  return parts;
}

/** Shortens a label to at most `max` UTF-16 units, with an ellipsis when cut. */
export function cutLabel(label: string, max: number): string {
  if (label.length <= max) return label;
  let out = '';
  for (const ch of label) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}
