import type { Item } from '../../events/item';
import type { LiveCollection } from '../live-collection';
import type { ModelCatalog, ModelInputSpec } from '../../core/model-catalog';
import { checkImage } from './check-image';
import { intakeError, type IntakeIssue } from './intake-issues';
import { unknownItemIds, type ItemIdCheck } from './unknown-item-ids';

export interface ItemBatchCheck extends ItemIdCheck {
  models: ModelCatalog;
  /** MAX_IMAGE_PIXELS. */
  maxImagePixels: number;
}

/**
 * Refuses, with one 400 naming each field, the items of a batch that the trainer could never
 * index: images that do not decode or declare more than `maxImagePixels`, content of the wrong
 * kind or size for the live model (vectors for an image model, images for a feature model),
 * and items without content that name no known item (see `unknownItemIds`). Before the first
 * model version is published only what needs no model is checked.
 *
 * @example
 * await checkItemBatch(items, live, { queue, trainerGroup: 'discern-trainer', models, vectorStore, liveAlias: 'catalog', recent, policy: 'reject', maxImagePixels: 16_777_216 });
 */
export async function checkItemBatch(items: Item[], live: LiveCollection | undefined, check: ItemBatchCheck): Promise<void> {
  const spec = live && (await liveInputSpec(check.models, live.modelVersion));
  const version = live?.modelVersion;
  const issues: IntakeIssue[] = [];
  const imageChecks: Promise<void>[] = [];
  const withContent = new Set<string>();
  const contentless = new Map<string, number[]>();

  items.forEach((item, i) => {
    const at = `items.${i}`;
    if (item.vector !== undefined) {
      if (spec?.kind === 'image') {
        issues.push({ path: `${at}.vector`, code: 'wrong_input_kind', message: `model ${version} takes images (${spec.height}×${spec.width}×${spec.channels}); send image or pixels` });
      } else if (spec?.kind === 'features' && item.vector.length !== spec.features) {
        issues.push({ path: `${at}.vector`, code: 'wrong_dimension', message: `must have ${spec.features} values for model ${version} (got ${item.vector.length})` });
      }
    } else if (item.image !== undefined || item.pixels !== undefined) {
      const field = item.image !== undefined ? 'image' : 'pixels';
      if (spec?.kind === 'features') {
        issues.push({ path: `${at}.${field}`, code: 'wrong_input_kind', message: `model ${version} takes feature vectors of ${spec.features} values, not images; send vector` });
      } else if (item.pixels !== undefined && item.pixels.width * item.pixels.height > check.maxImagePixels) {
        const { width, height } = item.pixels;
        issues.push({ path: `${at}.pixels`, code: 'image_too_large', message: `has ${width}×${height} = ${width * height} pixels; at most ${check.maxImagePixels} (MAX_IMAGE_PIXELS)` });
      } else if (item.image !== undefined) {
        const target = spec?.kind === 'image' ? spec : undefined;
        imageChecks.push(
          checkImage(item.image, { maxPixels: check.maxImagePixels, target }).then((problem) => {
            if (problem) issues.push({ path: `${at}.image`, ...problem });
          }),
        );
      }
    } else if (!withContent.has(item.id)) {
      contentless.set(item.id, [...(contentless.get(item.id) ?? []), i]);
    }
    if (item.vector !== undefined || item.image !== undefined || item.pixels !== undefined) withContent.add(item.id);
  });

  await Promise.all(imageChecks);
  for (const id of await unknownItemIds(contentless.keys(), check)) {
    for (const i of contentless.get(id)!) {
      issues.push({
        path: `items.${i}`,
        code: 'unknown_item',
        message: `has no image, pixels or vector, and ${id} is neither indexed nor recently added: send its content to add it`,
      });
    }
  }
  if (issues.length > 0) throw intakeError(issues);
}

async function liveInputSpec(models: ModelCatalog, version: string): Promise<ModelInputSpec | undefined> {
  try {
    return await models.inputSpec(version);
  } catch {
    // Pruned between resolving the alias and here, or its description unreadable: the kind
    // cannot be checked now, and accepting the items costs nothing (the trainer checks again).
    return undefined;
  }
}
