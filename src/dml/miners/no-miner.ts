import { z } from 'zod';
import { defineMiner } from './miner-registration';

/** `none`: no miner; the loss then uses every valid pair or triplet of the batch. */
export const registration = defineMiner({ name: 'none', options: z.strictObject({}), create: () => null });
