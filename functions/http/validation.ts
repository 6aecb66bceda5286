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
}

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
        ? `${where} is missing or not of type ${issue.expected}`
        : `${where} has the wrong type`;
    case 'too_small':
      return `${where} must be at least ${issue.minimum}`;
    case 'too_big':
      return `${where} must be at most ${issue.maximum}`;
    case 'invalid_value':
      return `${where} must be one of ${(issue.values ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'regex' && issue.message !== 'Invalid input'
        ? `${where} ${issue.message}`
        : `${where} is not a valid ${issue.format ?? 'value'}`;
    case 'invalid_union':
      return `${where} is not an accepted value`;
    default:
      return issue.message && issue.message !== 'Invalid input'
        ? `${where} ${issue.message}`
        : `${where} is invalid`;
  }
}

export function describeIssues(issues: ReadonlyArray<Issue>): string {
  return issues.slice(0, 5).map(describe).join('; ');
}
