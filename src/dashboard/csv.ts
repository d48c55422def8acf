/**
 * CSV writing for exports: RFC 4180 quoting, and a guard against spreadsheet formula injection
 * (a reporter's text beginning with `=` could otherwise run as a formula when staff open the file).
 */

/** One cell: formula-like text gets a leading apostrophe, then the cell is quoted when needed. */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  // Tab and carriage return also start formulas in some spreadsheet programs (OWASP guidance).
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows to CSV text with CRLF line ends, as RFC 4180 asks. */
export function toCsv(rows: readonly (readonly unknown[])[]): string {
  return `${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
