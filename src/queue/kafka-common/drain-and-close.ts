/**
 * Closes a Kafka queue's parts in order: lets the publishes already accepted finish (its group
 * commit), closes its open consumers and readers, then its producer lanes. The caller closes its admin client last.
 *
 * @example
 * await drainAndClose(send, consumers, producers);
 * await admin.close();
 */
export async function drainAndClose(send: { idle(): Promise<void> }, consumers: Set<{ close(): Promise<void> }>, producers: { closeAll(): Promise<void> }): Promise<void> {
  await send.idle();
  for (const consumer of [...consumers]) await consumer.close();
  await producers.closeAll();
}
