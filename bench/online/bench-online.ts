/**
 * Learning-curve benchmark of online training, from an empty service in this process (API,
 * embedded queue, trainer thread and stores, as `npm start` composes them): streams a
 * Fashion-MNIST catalog (train split) through `POST /v1/items`, then sends label feedback in
 * cumulative increments through `POST /v1/feedback`, and after each lets the trainer train its
 * granted steps and judge a candidate, then scores the live version on held-out test items of
 * the labelled classes ("seen") and of classes that got no labels ("unseen"), beside cosine on
 * raw pixels and beside the offline default recipe trained on the labelled items the clean
 * scenario delivered (held-out ones left out), within the steps and time the clean run trained.
 *
 * Scenarios, each on a fresh service: `clean`; `poisoned` (a share of each increment relabels
 * sneakers as ankle boots, T-shirts as dresses and back, all from one source);
 * `poisoned-unguarded` (the same with POISON_GUARD=off); `drift` (one class is labelled only in
 * the last increment). Writes a table, an SVG chart and summary.json to `--out`, progress with
 * rate and ETA on stderr, and as its last stdout line one JSON object with `seenMapAtR`,
 * `unseenMapAtR`, `rawSeenMapAtR`, `rawUnseenMapAtR`, `offlineSeenMapAtR`, `offlineUnseenMapAtR`,
 * `eventsToBeatRaw`, `poisonedSeenMapAtR`, `cleanSeenMapAtR` and the curves.
 *
 * `--seeded` runs another measurement instead (`seeded-bench.ts`): `discern start --seed
 * fashion-mnist`, every item labelled, and the live model's MAP@R on the seeded test items the
 * service holds out, over time, beside raw pixels.
 *
 * @example
 * npm run bench:online -- --quick
 * npm run bench:online -- --seeded --minutes 15
 * npm run bench:online -- --scenarios clean,poisoned,poisoned-unguarded,drift --poison-share 0.3
 */
// The service in this process logs at SERVICE_LOG_LEVEL (default warn); the bench's own lines stay at info.
process.env.LOG_LEVEL = process.env.SERVICE_LOG_LEVEL ?? 'warn';
await import(process.argv.includes('--seeded') ? './seeded-bench' : './online-bench');

export {};
