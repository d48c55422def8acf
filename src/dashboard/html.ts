/**
 * A tiny HTML builder: the `html` tagged template escapes every interpolated value unless it is
 * already {@link SafeHtml} (another `html` result, or something passed through {@link unsafeRaw}
 * on purpose). Reporter and staff text can therefore never reach a page unescaped by accident.
 */

/** HTML that has been escaped or built by {@link html}; the only thing inserted verbatim. */
export class SafeHtml {
  readonly value: string;

  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

/** A value that may appear in a template: arrays are joined, null/undefined/false render nothing. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** The escaping template tag. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/**
 * Marks a string as trusted HTML. Only for markup the code itself generated (the SVG charts, which
 * escape their own labels); never for anything a person typed.
 */
export function unsafeRaw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
