/** One row of a benchmark's summary: a figure, what was measured, its goal and whether it was met. */
export type ResultRow = [figure: string, measured: string, goal: string, verdict: string];

/**
 * `meets` / `MISSES` for a row with a goal, so a missed goal stands out in a long table.
 *
 * @example
 * verdict(p99Ms <= 10); // 'meets'
 */
export function verdict(met: boolean): string {
  return met ? 'meets' : 'MISSES';
}

/**
 * Prints rows as an aligned table (figure, measured, goal, verdict) on stdout.
 *
 * @example
 * printResultsTable([['feedback ×1000', '21000 events/s', '≥ 20000 events/s', verdict(true)]]);
 */
export function printResultsTable(rows: ResultRow[]): void {
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c].length), 10));
  const line = (r: string[]) => `${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2].padEnd(widths[2])}  ${r[3]}`.trimEnd();
  console.log(line(['figure', 'measured', 'goal', 'verdict']));
  console.log(line(['-'.repeat(widths[0]), '-'.repeat(widths[1]), '-'.repeat(widths[2]), '-------']));
  for (const r of rows) console.log(line(r));
}

/**
 * Rounds to a number of decimal digits (2 by default) for tables and JSON.
 *
 * @example
 * round(3.14159); // 3.14
 */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
