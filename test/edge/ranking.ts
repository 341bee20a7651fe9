export interface RankedHit {
  id: string;
  score: number;
  label?: string;
}

/**
 * Why `got` is not the exact top-k `want`, or undefined when it is: same length, no repeated id,
 * each score within `tolerance` of the reference score at that rank, and each returned id truly
 * scoring that much (`scoreOf`), so items tied within the tolerance may trade places but no
 * other item may stand in.
 *
 * @example
 * expect(rankingMismatch(results, catalog.exactSearch(version, query, 10), (id) => trueScore(id))).toBeUndefined();
 */
export function rankingMismatch(got: RankedHit[], want: RankedHit[], scoreOf: (id: string) => number, tolerance = 1e-4): string | undefined {
  if (got.length !== want.length) return `${got.length} results, want ${want.length}`;
  if (new Set(got.map((h) => h.id)).size !== got.length) return `repeated ids in ${got.map((h) => h.id).join(',')}`;
  for (let i = 0; i < got.length; i++) {
    if (Math.abs(got[i].score - want[i].score) > tolerance) return `rank ${i}: score ${got[i].score}, want ${want[i].score} (${want[i].id})`;
    if (got[i].id !== want[i].id && Math.abs(scoreOf(got[i].id) - want[i].score) > tolerance) {
      return `rank ${i}: ${got[i].id} (true score ${scoreOf(got[i].id)}), want ${want[i].id} (${want[i].score})`;
    }
  }
  return undefined;
}

/** Why two answers differ in ids, order or labels, or by more than `tolerance` in a score. */
export function answersDiffer(a: RankedHit[], b: RankedHit[], tolerance = 1e-4): string | undefined {
  if (a.length !== b.length) return `${a.length} vs ${b.length} results`;
  for (let i = 0; i < a.length; i++) {
    if (a[i].id !== b[i].id || a[i].label !== b[i].label) return `rank ${i}: ${a[i].id}/${a[i].label} vs ${b[i].id}/${b[i].label}`;
    if (Math.abs(a[i].score - b[i].score) > tolerance) return `rank ${i}: score ${a[i].score} vs ${b[i].score}`;
  }
  return undefined;
}
