export type QdrantAliasAction =
  | { delete_alias: { alias_name: string } }
  | { create_alias: { collection_name: string; alias_name: string } };

/**
 * The actions of one `updateCollectionAliases` call that points `alias` at `collection`.
 * Qdrant applies a call's actions atomically, so readers see the old target or the new one.
 * Deleting an alias that does not exist fails in Qdrant, hence `aliasExists`.
 *
 * @example
 * switchAliasActions('catalog', 'catalog_v000012', true);
 * // [{ delete_alias: { alias_name: 'catalog' } }, { create_alias: { collection_name: 'catalog_v000012', alias_name: 'catalog' } }]
 */
export function switchAliasActions(alias: string, collection: string, aliasExists: boolean): QdrantAliasAction[] {
  const create: QdrantAliasAction = { create_alias: { collection_name: collection, alias_name: alias } };
  return aliasExists ? [{ delete_alias: { alias_name: alias } }, create] : [create];
}
