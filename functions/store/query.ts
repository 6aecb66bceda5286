// Reading every page of a Query, or one client's page of a filtered one: one loop each for the whole store.
import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { type IndexName, keyAttributesOf } from './keys.js';
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
 * One page of a Query for a client (a paged list): at most `page.limit` items read after the page's start key,
 * which must have the shape of this Query (`shape`: its index, partition and sort-key prefix; else 400), and the
 * token of the next page (null on the last). A FilterExpression in `input` may leave a page short.
 */
export async function queryPage(
  doc: DynamoDBDocumentClient,
  input: Omit<QueryInput, 'ExclusiveStartKey' | 'Limit' | 'IndexName'>,
  page: PageRequest,
  shape: { index?: IndexName; partition: string; sortPrefix?: string },
): Promise<Page<Item>> {
  const result = await doc.send(
    new QueryCommand({
      ...input,
      ...(shape.index ? { IndexName: shape.index } : {}),
      ExclusiveStartKey: decodeToken(page, shape),
      Limit: page.limit,
    }),
  );
  return { items: result.Items ?? [], nextToken: encodeToken(page, result.LastEvaluatedKey) };
}

/** One page of a whole index partition (queryPage with `partition` as the only key condition). */
export function indexPartitionPage(
  doc: DynamoDBDocumentClient,
  table: string,
  page: PageRequest,
  shape: { index: IndexName; partition: string },
): Promise<Page<Item>> {
  const name = keyAttributesOf(shape.index).partition;
  return queryPage(
    doc,
    {
      TableName: table,
      KeyConditionExpression: `${name} = :pk`,
      ExpressionAttributeValues: { ':pk': shape.partition },
    },
    page,
    shape,
  );
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
