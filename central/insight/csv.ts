/**
 * One part of an insight answer as CSV (RFC 4180, UTF-8 with a byte-order mark so that
 * spreadsheet programs read Chinese text right). A row's nested figures become columns of their
 * own (`firstResponse.p50Minutes`, `scores.1` … `scores.5`). A text cell that a spreadsheet would
 * take for a formula (`=`, `+`, `-`, `@`, tab, CR at its start) gets a leading `'`: passengers'
 * reasons are free text.
 */
type Cell = string | number | boolean | null;

function flatten(value: unknown, prefix: string, out: Map<string, Cell>): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => flatten(v, `${prefix}.${i + 1}`, out));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix === '' ? k : `${prefix}.${k}`, out);
  } else {
    out.set(prefix, value === undefined ? null : (value as Cell));
  }
}

export function csvCell(v: Cell): string {
  if (v === null) return '';
  if (typeof v !== 'string') return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Rows (objects of the same shape) as CSV with a header line; no rows: the header of `columns` only. */
export function toCsv(rows: readonly object[], columns: readonly string[] = []): string {
  const flat = rows.map((r) => {
    const m = new Map<string, Cell>();
    flatten(r, '', m);
    return m;
  });
  const header = [...new Set([...columns, ...flat.flatMap((m) => [...m.keys()])])];
  const lines = [header.map(csvCell).join(','), ...flat.map((m) => header.map((h) => csvCell(m.get(h) ?? null)).join(','))];
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
