// CSV as the reports and the audit log answer it: RFC 4180, a header row, CRLF line ends.

/** One field: quoted when it holds a quote, a comma or a line end (quotes doubled), else as is. */
export function csvField(value: string | number | boolean): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180 text: the header row of `columns`, then one line per row (fields in column order), CRLF ends. */
export function csvText(
  columns: readonly string[],
  rows: readonly (readonly (string | number | boolean)[])[],
): string {
  const lines = [columns.join(','), ...rows.map((row) => row.map(csvField).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
