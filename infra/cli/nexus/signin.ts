// `signin <userId> <machineId>`: a user signing in to the NEXUS server (External PLS). The seat is held with
// heartbeats until Ctrl-C, then given back with a sign-out, as the server does when the user signs out.
import { ok, PortalError, type Schemas } from '../../../client/index.js';
import type { Command } from './args.js';
import { type HintFor, withStatus } from './commands.js';
import { CliError, EXIT, toCliError } from './output.js';
import { type Context, serverHint, serverSession } from './portal.js';
import { MAX_TIMER_MS } from './watch.js';

type SignIn = Extract<Command, { name: 'signin' }>;

/** A heartbeat is never sooner than this after the previous one, whatever the session's remaining time. */
const MIN_HEARTBEAT_MS = 1000;

/** After a busy portal or a lost connection, the next try (unless the portal's retry-after asks for longer). */
const RETRY_MS = 2000;

/**
 * When to send the next heartbeat: every `heartbeatSeconds` when given, else at half the session's remaining
 * time (by this machine's clock), so that one lost heartbeat still leaves time for another before it expires.
 */
export function nextHeartbeatMs(expiresAt: string, nowMs: number, heartbeatSeconds?: number): number {
  const wanted =
    heartbeatSeconds !== undefined ? heartbeatSeconds * 1000 : (Date.parse(expiresAt) - nowMs) / 2;
  return Math.min(Math.max(wanted, MIN_HEARTBEAT_MS), MAX_TIMER_MS);
}

function describeSession(session: Schemas['Session'], status: number, command: SignIn): string {
  const seat =
    session.assignmentId === null
      ? 'the server’s one administrative connection (no license seat)'
      : `a seat of ${session.product} license ${session.licenseId}`;
  const how =
    status === 201
      ? `Signed in ${command.userId} on ${command.machineId} (${command.client}): session ${session.sessionId}, ${seat}`
      : `Joined session ${session.sessionId} of ${command.userId} on ${command.machineId}: ${session.clients.join(' and ')} share ${seat}`;
  return `${how}; expires at ${session.expiresAt}. Heartbeats keep it; Ctrl-C signs out.`;
}

/** Takes the seat, holds it until Ctrl-C (or until the portal ends it), then signs out. */
export async function signIn(ctx: Context, command: SignIn, hint: (h: HintFor) => void): Promise<void> {
  const server = await serverSession(ctx);
  const hintFor = serverHint(server);
  hint((error) =>
    error.code === 'user_disabled'
      ? 'An administrator enables the user again (PATCH /v1/users/{userId} with {"disabled":false}).'
      : hintFor(error),
  );
  const emit = (event: Record<string, unknown>, line: string) => {
    if (ctx.global.json) ctx.io.out(JSON.stringify({ at: new Date(ctx.io.nowMs()).toISOString(), ...event }));
    else ctx.io.out(line);
  };

  let stopping = false;
  let wake: (() => void) | null = null;
  const removeStop = ctx.io.onStop(() => {
    stopping = true;
    wake?.();
  });
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  try {
    ctx.progress(`Signing in ${command.userId} on ${command.machineId} at server ${server.serverId} ...`);
    const { data: session, status } = await withStatus(
      server.client.POST('/v1/servers/{serverId}/sessions', {
        params: { path: { serverId: server.serverId } },
        body: { userId: command.userId, machineId: command.machineId, client: command.client },
      }),
    );
    emit(
      { event: status === 201 ? 'signed_in' : 'joined', ...session },
      describeSession(session, status, command),
    );
    const path = { sessionId: session.sessionId };
    let expiresAt = session.expiresAt;
    let delay = nextHeartbeatMs(expiresAt, ctx.io.nowMs(), command.heartbeatSeconds);
    while (!stopping) {
      await sleep(delay);
      if (stopping) break;
      try {
        const beat = await ok(server.client.POST('/v1/sessions/{sessionId}/heartbeat', { params: { path } }));
        const capped = beat.expiresAt === expiresAt;
        expiresAt = beat.expiresAt;
        emit(
          { event: 'heartbeat', sessionId: session.sessionId, expiresAt },
          `Heartbeat: session ${session.sessionId} expires at ${expiresAt}${capped ? ' (its license ends then: it cannot be renewed further)' : ''}.`,
        );
        delay = nextHeartbeatMs(expiresAt, ctx.io.nowMs(), command.heartbeatSeconds);
      } catch (error) {
        if (error instanceof PortalError && error.status === 404) {
          throw new CliError(
            EXIT.refused,
            'session_ended',
            `session ${session.sessionId} has ended on the portal (killed by an administrator, reclaimed, or its license expired).`,
            'Sign in again to take a new seat.',
            404,
          );
        }
        const busy = error instanceof PortalError && (error.status === 503 || error.status === 429);
        const failure = toCliError(error, ctx.url, hintFor);
        if (!busy && failure.code !== 'network_error') throw failure;
        // The session keeps its time meanwhile: try again soon, before it expires.
        delay = Math.max(retryAfter(error), RETRY_MS);
        emit(
          {
            event: 'heartbeat_failed',
            sessionId: session.sessionId,
            error: { code: failure.code, message: failure.message },
          },
          `Heartbeat failed (${failure.message}); trying again in ${Math.round(delay / 1000)} s.`,
        );
      }
    }

    ctx.progress(`Signing out session ${session.sessionId} ...`);
    try {
      await ok(server.client.DELETE('/v1/sessions/{sessionId}', { params: { path } }));
      emit(
        { event: 'signed_out', sessionId: session.sessionId },
        `Signed out: session ${session.sessionId} ended, its seat is free.`,
      );
    } catch (error) {
      if (!(error instanceof PortalError && error.status === 404)) throw error;
      emit(
        { event: 'signed_out', sessionId: session.sessionId, alreadyEnded: true },
        `Session ${session.sessionId} had already ended on the portal.`,
      );
    }
  } finally {
    removeStop();
  }
}

function retryAfter(error: unknown): number {
  return error instanceof PortalError && error.retryAfterSeconds ? error.retryAfterSeconds * 1000 : 0;
}
