import { z } from 'zod';
import { EVENT_LIMITS } from './limits';

const ID_PATTERN = /^[A-Za-z0-9._:-]+$/;

/**
 * An item id: 1–256 characters from `[A-Za-z0-9._:-]`, safe as a queue key, a URL path segment
 * and a vector-store point reference.
 *
 * @example
 * ItemIdSchema.parse('shoe:42'); // 'shoe:42'
 */
export const ItemIdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(EVENT_LIMITS.idMaxChars, `must be at most ${EVENT_LIMITS.idMaxChars} characters`)
  .regex(ID_PATTERN, 'may contain only letters, digits and . _ : -')
  .meta({ description: 'Item id: 1–256 characters from [A-Za-z0-9._:-]', example: 'sku-1042' });

/**
 * A feedback event id, chosen by the client for idempotent retries (same alphabet as item ids).
 *
 * @example
 * EventIdSchema.parse('2f1c-9a:retry-safe');
 */
export const EventIdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(EVENT_LIMITS.idMaxChars, `must be at most ${EVENT_LIMITS.idMaxChars} characters`)
  .regex(ID_PATTERN, 'may contain only letters, digits and . _ : -')
  .meta({ description: 'Client event id for idempotent retries; the server assigns one when missing' });

/** The version of the event layout; bumped on incompatible changes so consumers can branch. */
export const SchemaVersionSchema = z
  .literal(1)
  .default(1)
  .meta({ description: 'Event schema version (currently 1)' });

export const CURRENT_SCHEMA_VERSION = 1 as const;
