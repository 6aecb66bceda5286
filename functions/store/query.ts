// Reading every page of a Query: one loop for the whole store, instead of one per repository.
import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';

export type QueryInput = ConstructorParameters<typeof QueryCommand>[0];
export type Item = Record<string, unknown>;

/** The pages of a Query, one request each, until DynamoDB has no more. */
export async function* queryPages(
  doc: DynamoDBDocumentClient,
  input: QueryInput,
): AsyncGenerator<QueryCommandOutput> {
  let start: Item | undefined;
  do {
    const page = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    yield page;
    start = page.LastEvaluatedKey;
  } while (start);
}

/** Every item of a Query; onPage sees each page (to meter what was read). */
export async function queryAll(
  doc: DynamoDBDocumentClient,
  input: QueryInput,
  onPage?: (page: QueryCommandOutput) => void,
): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of queryPages(doc, input)) {
    onPage?.(page);
    items.push(...(page.Items ?? []));
  }
  return items;
}
