// Checks HTTP answers against the committed docs/openapi.json with Ajv (JSON Schema 2020-12), reading nothing
// but that file: a route, status, media type, header or field the document does not describe is a violation.
import { readFileSync } from 'node:fs';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** The committed document that clients rely on; the tests never check answers against anything else. */
export const CONTRACT_FILE = new URL('../../docs/openapi.json', import.meta.url);

/** One request and the answer to it, as seen on the wire. */
export interface Exchange {
  method: string;
  /** Path and query, e.g. `/v1/licenses?limit=5`; a full URL is accepted too. */
  url: string;
  status: number;
  headers: Headers;
  /** The answer's body as text ('' for none). */
  text: string;
}

type Json = Record<string, unknown>;

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  /** Literal segments: a literal path wins over a templated one that matches the same request. */
  literals: number;
  operation: Json;
}

// Ids under which the document's schemas are registered with Ajv; never fetched.
const BASE = 'https://contract.invalid/openapi.json';
const JSON_MEDIA = /^application\/(.+\+)?json$/;

/**
 * Answers may gain fields (the document leaves its objects open for clients), but the portal must send
 * none the document lacks: every object schema that lists properties is closed here before validation.
 * Partial schemas without `type` (the error answers' code lists inside allOf) are left open.
 */
function closeObjects(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(closeObjects);
  if (!value || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] =
      key === '$ref' && typeof inner === 'string'
        ? inner.replace(/^#\/components\/schemas\//, `${BASE}#/$defs/`)
        : closeObjects(inner);
  }
  const types = Array.isArray(out.type) ? out.type : [out.type];
  if (
    types.includes('object') &&
    out.properties &&
    out.additionalProperties === undefined &&
    out.unevaluatedProperties === undefined
  ) {
    out.unevaluatedProperties = false;
  }
  return out;
}

function pointerOf(template: string): RegExp {
  const source = template
    .split('/')
    .map((segment) =>
      /^\{[^}]+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${source}$`);
}

function mediaTypeOf(headers: Headers): string {
  return (headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function shorten(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** A validator of answers built from one OpenAPI 3.1 document. */
export class Contract {
  private readonly ajv: Ajv2020;
  private readonly operations: Operation[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly document: Json;

  constructor(document: Json) {
    this.document = document;
    this.ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true });
    addFormats(this.ajv);
    // OpenAPI's own schema keywords, meaningless to validation.
    this.ajv.addKeyword('example');
    this.ajv.addKeyword('discriminator');
    const components = (document.components ?? {}) as Json;
    this.ajv.addSchema({ $id: BASE, $defs: closeObjects(components.schemas ?? {}) });
    for (const [template, item] of Object.entries((document.paths ?? {}) as Record<string, Json>)) {
      for (const [method, operation] of Object.entries(item)) {
        this.operations.push({
          method: method.toUpperCase(),
          template,
          pattern: pointerOf(template),
          literals: template.split('/').filter((s) => s && !s.startsWith('{')).length,
          operation: operation as Json,
        });
      }
    }
  }

  /** Reads the committed document. */
  static load(file: URL | string = CONTRACT_FILE): Contract {
    return new Contract(JSON.parse(readFileSync(file, 'utf8')) as Json);
  }

  private validator(key: string, schema: unknown): ValidateFunction {
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(closeObjects(schema) as Json);
      this.compiled.set(key, validate);
    }
    return validate;
  }

  private resolve(value: Json): Json {
    const ref = value.$ref;
    if (typeof ref !== 'string') return value;
    const [, kind, name] = /^#\/components\/(\w+)\/(.+)$/.exec(ref) ?? [];
    const target = (((this.document.components ?? {}) as Json)[kind ?? ''] as Json | undefined)?.[name ?? ''];
    if (!target) throw new Error(`the document refers to ${ref}, which it does not define`);
    return this.resolve(target as Json);
  }

  private schemaProblems(key: string, schema: unknown, value: unknown, where: string): string[] {
    const validate = this.validator(key, schema);
    if (validate(value)) return [];
    const errors = (validate.errors ?? []).map((error) => {
      const at = `${where}${error.instancePath}`;
      const params = error.params as Record<string, unknown>;
      const detail =
        params.unevaluatedProperty !== undefined
          ? ` "${String(params.unevaluatedProperty)}"`
          : params.allowedValues !== undefined
            ? ` ${JSON.stringify(params.allowedValues)}`
            : params.allowedValue !== undefined
              ? ` ${JSON.stringify(params.allowedValue)}`
              : '';
      return `${at} ${error.message ?? 'is invalid'}${detail}`;
    });
    return [errors.join('; ')];
  }

  /** The operation a request reaches, the most literal match first; null for a path the document lacks. */
  private find(method: string, path: string): Operation | null {
    const matches = this.operations
      .filter((op) => op.method === method && op.pattern.test(path))
      .sort((a, b) => b.literals - a.literals);
    return matches[0] ?? null;
  }

  /** What is wrong with an answer according to the document; empty when the document describes it. */
  problemsOf(exchange: Exchange): string[] {
    const url = new URL(exchange.url, 'http://portal.invalid');
    const method = exchange.method.toUpperCase();
    const found = this.find(method, url.pathname);
    if (!found) return this.unknownRouteProblems(method, url.pathname, exchange);
    const name = `${method} ${found.template} (${String(found.operation.operationId)})`;
    const problems = this.answerProblems(name, found, exchange);
    return problems.map((problem) => `${name} answered ${exchange.status}: ${problem}`);
  }

  private answerProblems(name: string, found: Operation, exchange: Exchange): string[] {
    const responses = (found.operation.responses ?? {}) as Record<string, Json>;
    const declared = responses[String(exchange.status)] ?? responses.default;
    if (!declared) {
      return [
        `the document describes no ${exchange.status} for this operation (it has ${Object.keys(responses).join(', ')}); body ${shorten(exchange.text)}`,
      ];
    }
    const response = this.resolve(declared);
    const problems: string[] = [];
    for (const [header, spec] of Object.entries((response.headers ?? {}) as Record<string, Json>)) {
      const value = exchange.headers.get(header);
      if (value === null) {
        if (spec.required) problems.push(`the required header ${header} is missing`);
        continue;
      }
      const schema = (spec.schema ?? {}) as Json;
      const typed = schema.type === 'integer' || schema.type === 'number' ? Number(value) : value;
      problems.push(
        ...this.schemaProblems(
          `${name}|${exchange.status}|header ${header}`,
          schema,
          typed,
          `header ${header}`,
        ),
      );
    }
    const content = (response.content ?? {}) as Record<string, Json>;
    if (Object.keys(content).length === 0) {
      if (exchange.text !== '')
        problems.push(`a body where the document describes none: ${shorten(exchange.text)}`);
      return problems;
    }
    const media = mediaTypeOf(exchange.headers);
    const entry = content[media];
    if (!entry) {
      problems.push(`content-type "${media}" is not among the documented ${Object.keys(content).join(', ')}`);
      return problems;
    }
    let value: unknown = exchange.text;
    if (JSON_MEDIA.test(media)) {
      try {
        value = JSON.parse(exchange.text);
      } catch {
        problems.push(`the body is not JSON: ${shorten(exchange.text)}`);
        return problems;
      }
    }
    if (entry.schema) {
      problems.push(
        ...this.schemaProblems(`${name}|${exchange.status}|${media}`, entry.schema, value, 'body').map(
          (p) => `${p}; body ${shorten(exchange.text)}`,
        ),
      );
    }
    return problems;
  }

  /**
   * A request the document has no operation for: the gateway answers 404 with the error body, or serves the
   * dashboard's static files (GET, not JSON), which are not part of the API.
   */
  private unknownRouteProblems(method: string, path: string, exchange: Exchange): string[] {
    const media = mediaTypeOf(exchange.headers);
    if (method === 'GET' && exchange.status === 200 && !JSON_MEDIA.test(media)) return [];
    const name = `${method} ${path} (no operation in the document)`;
    if (exchange.status !== 404) {
      return [`${name} answered ${exchange.status}; only 404 not_found is described for unknown routes`];
    }
    let body: unknown;
    try {
      body = JSON.parse(exchange.text);
    } catch {
      return [`${name} answered 404 without the JSON error body: ${shorten(exchange.text)}`];
    }
    return this.schemaProblems('unknown route', { $ref: '#/components/schemas/Error' }, body, 'body').map(
      (p) => `${name} answered 404: ${p}`,
    );
  }
}

let shared: Contract | null = null;
const violations: string[] = [];

/** The committed document's validator, loaded once per test file. */
export function contract(): Contract {
  shared ??= Contract.load();
  return shared;
}

/**
 * Checks an answer and throws (failing the test that caused it) when the document does not describe it. The
 * problem is also kept, so a test that swallowed the error still fails in the afterEach of setup.ts.
 */
export function assertDescribed(exchange: Exchange): void {
  const problems = contract().problemsOf(exchange);
  if (problems.length === 0) return;
  violations.push(...problems);
  throw new Error(`The answer breaks docs/openapi.json:\n- ${problems.join('\n- ')}`);
}

/** The violations seen since the last call, and forgets them. */
export function takeViolations(): string[] {
  return violations.splice(0, violations.length);
}

/**
 * fetch, but every answer is checked against the document first (for tests that talk HTTP without the test
 * portal's `call`). The body is read once and handed back in a fresh Response.
 */
export async function checkedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  const response = await fetch(request);
  const text = await response.text();
  assertDescribed({
    method: request.method,
    url: request.url,
    status: response.status,
    headers: response.headers,
    text,
  });
  const empty = response.status === 204 || response.status === 304;
  return new Response(empty ? null : text, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
