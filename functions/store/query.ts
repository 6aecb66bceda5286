// Reading every page of a Query, or one client's page of a filtered one: one loop each for the whole store.
import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { decodeToken, encodeToken, type Page, type PageRequest } from './paging.js';

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

/**
 * One page of a Query whose FilterExpression may drop items: reads on until `page.limit` items passed it or the
 * Query ends, starting after the page's verified token (checked against `shape`, paging.ts decodeToken), and
 * signs the token of the next page (null on the last). Each read asks for no more than the items still missing.
 */
export async function filteredPage<T>(
  doc: DynamoDBDocumentClient,
  input: QueryInput,
  page: PageRequest,
  shape: Parameters<typeof decodeToken>[1],
  map: (item: Item) => T,
): Promise<Page<T>> {
  const items: T[] = [];
  let start = decodeToken(page, shape);
  do {
    const result = await doc.send(
      new QueryCommand({ ...input, ExclusiveStartKey: start, Limit: page.limit - items.length }),
    );
    for (const item of result.Items ?? []) items.push(map(item));
    start = result.LastEvaluatedKey;
  } while (start && items.length < page.limit);
  return { items, nextToken: encodeToken(page, start) };
}
