// Activation: a license's signed .alf file for a host (takes no seat), idempotent per account + license + key.
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { AlfValueError } from '../../domain/alf.js';
import { actorOf } from '../../domain/audit.js';
import { InvalidRequestError, LicenseExpiredError, NotFoundError } from '../../domain/errors.js';
import { licenseStatus } from '../../domain/license.js';
import { ACTIVATIONS_PER_ACCOUNT } from '../../domain/rate-limit.js';
import { idempotencyKey } from '../api/schemas.js';
import { storedCallers } from '../http/callers.js';
import { createGroupHandler } from '../http/handler.js';
import { wallClock } from '../runtime/clock.js';
import { issueAlf } from '../signing/issue.js';
import { signer } from '../signing/index.js';
import { type Activation, createActivationStore, type IdempotencyClaim } from '../store/activations.js';
import { tableContext } from '../store/client.js';
import { newId } from '../store/ids.js';
import { createLicenseStore } from '../store/licenses.js';
import { createRateLimiter } from '../store/rate-limits.js';

const TOO_MANY_ACTIVATIONS = `Your account made ${ACTIVATIONS_PER_ACCOUNT.limit} activations within ${
  ACTIVATIONS_PER_ACCOUNT.windowSeconds / 60
} minutes; wait for the time in retry-after, then activate again.`;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/** The claim of an idempotency-key header; the body hash tells a retry from a reuse with another body. */
export function idempotencyClaim(
  header: string | undefined,
  body: { hostId: string; hostName?: string | undefined },
): IdempotencyClaim | null {
  if (header === undefined) return null;
  // The documented header schema is the rule (functions/api/schemas.ts).
  if (!z.safeParse(idempotencyKey, header).success) {
    throw new InvalidRequestError(
      'The idempotency-key header must be 1-255 characters without control characters.',
    );
  }
  return {
    keyHash: sha256(header),
    requestHash: sha256(JSON.stringify([body.hostId, body.hostName ?? null])),
  };
}

function activationBody(activation: Activation) {
  return { activationId: activation.activationId, fileName: activation.fileName, alf: activation.alf };
}

export const handler = createGroupHandler('activations', storedCallers, {
  activateLicense: async ({ params, body, headers, caller, now }) => {
    const context = tableContext();
    const license = await createLicenseStore(context).require(caller.accountId, params.licenseId);
    const activations = createActivationStore(context);
    const claim = idempotencyClaim(headers['idempotency-key'], body);
    if (claim) {
      const earlier = await activations.replay(caller.accountId, license.licenseId, claim);
      if (earlier) return { statusCode: 201, body: activationBody(earlier) };
    }
    if (licenseStatus(license, now) === 'expired') throw new LicenseExpiredError(license.licenseId);
    // Only new files count (a replay above signs nothing): each costs a signature with the portal's key.
    await createRateLimiter(context).take(
      ACTIVATIONS_PER_ACCOUNT,
      caller.accountId,
      wallClock(),
      TOO_MANY_ACTIVATIONS,
    );
    let file: Awaited<ReturnType<typeof issueAlf>>;
    try {
      file = await issueAlf(signer(), license, { hostId: body.hostId, hostName: body.hostName }, now);
    } catch (error) {
      if (error instanceof AlfValueError)
        throw new InvalidRequestError(`Cannot put that into a license file: ${error.message}.`);
      throw error;
    }
    const activationId = newId('act');
    const { activation } = await activations.create(
      {
        activationId,
        accountId: caller.accountId,
        licenseId: license.licenseId,
        hostId: body.hostId,
        hostName: body.hostName,
        fileName: file.fileName,
        alf: file.alf,
        createdAt: now.toISOString(),
      },
      claim,
      {
        eventId: newId('evt'),
        accountId: caller.accountId,
        at: now.toISOString(),
        actor: actorOf(caller),
        action: 'activation.created',
        targetId: activationId,
        details: {
          licenseId: license.licenseId,
          hostId: body.hostId,
          ...(body.hostName ? { hostName: body.hostName } : {}),
        },
      },
    );
    return { statusCode: 201, body: activationBody(activation) };
  },

  downloadAlf: async ({ params, caller }) => {
    const activation = await createActivationStore(tableContext()).get(caller.accountId, params.activationId);
    if (!activation) throw new NotFoundError('activation');
    return {
      statusCode: 200,
      text: activation.alf,
      headers: {
        'content-type': 'text/plain; charset=utf-8',
        'content-disposition': `attachment; filename="${activation.fileName}"`,
      },
    };
  },
});
