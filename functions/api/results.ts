// What a route implementation may return: derived from the route's success responses in the route table.
import type { z } from 'zod/mini';
import type { RouteSpec, SuccessSpec } from './routes.js';

/** The success statuses of a route: its main status and those of `alsoStatuses` (e.g. 201 | 200). */
export type SuccessStatus<S extends SuccessSpec> =
  | S['status']
  | (S extends { alsoStatuses: infer A } ? Extract<keyof A, number> : never);

/** A JSON answer: the body is the route's success schema (its input type: what JSON.stringify receives). */
type JsonResult<S extends SuccessSpec> = S extends { schema: infer B extends z.core.$ZodType }
  ? { statusCode: SuccessStatus<S>; body: z.input<B>; text?: never; headers?: Record<string, string> }
  : never;

/** A text answer (the .alf download, the CSV): the route must set content-type and the headers it declares. */
type TextResult<S extends SuccessSpec> = S extends { contentType: string } | { alternative: object }
  ? { statusCode: SuccessStatus<S>; text: string; body?: never; headers: Record<string, string> }
  : never;

/** An answer without a body (204). */
type EmptyResult<S extends SuccessSpec> = S extends { schema: object } | { contentType: string }
  ? never
  : { statusCode: SuccessStatus<S>; body?: never; text?: never; headers?: Record<string, string> };

/**
 * What the implementation of route R returns: one of its documented success answers. Errors are thrown as
 * domain errors and mapped to statuses at the edge (functions/http/errors.ts). The type catches a missing or
 * mistyped field and an undocumented status at compile time; a field the schema lacks is caught by the
 * integration tests, which validate every answer against the committed document with closed objects.
 */
export type RouteResult<R extends RouteSpec> =
  | JsonResult<R['success']>
  | TextResult<R['success']>
  | EmptyResult<R['success']>;
