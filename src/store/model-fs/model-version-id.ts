import { ModelStoreError } from '../../core/model-store';

const VERSION_PATTERN = /^v(\d{6})$/;

/** What any model store accepts as a version id (a safe file and URL path segment). */
export const MODEL_VERSION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * The id after the highest `vNNNNNN` id in `existing` (other ids are ignored), zero-padded to six
 * digits so ids sort as strings in creation order.
 *
 * @example
 * nextModelVersionId([]); // 'v000001'
 * nextModelVersionId(['v000001', 'v000012']); // 'v000013'
 */
export function nextModelVersionId(existing: Iterable<string>): string {
  let highest = 0;
  for (const id of existing) {
    const match = VERSION_PATTERN.exec(id);
    if (match !== null) highest = Math.max(highest, Number(match[1]));
  }
  if (highest >= 999_999) throw new ModelStoreError('existing: version ids are exhausted (v999999 reached)', 'conflict', 'existing');
  return `v${String(highest + 1).padStart(6, '0')}`;
}
