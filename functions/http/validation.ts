// Turns schema issues into one sentence a person can act on, naming each field that is wrong.

interface Issue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> | undefined;
  readonly code?: string;
  readonly keys?: string[];
  readonly minimum?: number | bigint;
  readonly maximum?: number | bigint;
  readonly expected?: string;
  readonly values?: unknown[];
  readonly format?: string;
  /** What a size issue measures: 'string', 'array', 'number', … (zod's `origin`). */
  readonly origin?: string;
}

/** The unit a size limit counts in, by what it measures. */
function unitOf(issue: Issue, limit: number | bigint | undefined): string {
  const one = limit === 1 || limit === 1n;
  if (issue.origin === 'string') return one ? ' character' : ' characters';
  if (issue.origin === 'array' || issue.origin === 'set') return one ? ' item' : ' items';
  return '';
}

/** What a JSON value of each expected type is called in a message (a missing field is of no type). */
const EXPECTED: Record<string, string> = {
  int: 'a whole number',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
};

function pathOf(issue: Issue): string {
  const parts = (issue.path ?? []).map((p) => String(typeof p === 'object' && p !== null ? p.key : p));
  return parts.length ? parts.join('.') : 'request';
}

function describe(issue: Issue): string {
  const where = pathOf(issue);
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown field ${(issue.keys ?? []).map((k) => `"${k}"`).join(', ')} in ${where}`;
    case 'invalid_type':
      return issue.expected
        ? `${where} must be ${EXPECTED[issue.expected] ?? `of type ${issue.expected}`}`
        : `${where} has the wrong type`;
    case 'too_small':
      return `${where} must be at least ${issue.minimum}${unitOf(issue, issue.minimum)}`;
    case 'too_big':
      return `${where} must be at most ${issue.maximum}${unitOf(issue, issue.maximum)}`;
    case 'invalid_value':
      return `${where} must be one of ${(issue.values ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'regex' && issue.message !== 'Invalid input'
        ? `${where} ${issue.message}`
        : issue.format === 'regex'
          ? `${where} does not have the form this field takes (see the OpenAPI document at /openapi.json)`
          : `${where} is not a valid ${issue.format ?? 'value'}`;
    case 'invalid_union':
      return `${where} is not an accepted value`;
    default:
      return issue.message && issue.message !== 'Invalid input'
        ? `${where} ${issue.message}`
        : `${where} is invalid`;
  }
}

/**
 * One sentence for a request's schema issues (zod's): each of the first five described by its field, the same
 * description once; used in the 400 invalid_request message (API.md "one sentence a person can act on").
 */
export function describeIssues(issues: ReadonlyArray<Issue>): string {
  return [...new Set(issues.slice(0, 5).map(describe))].join('; ');
}
