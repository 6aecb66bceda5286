// Back office: operators create accounts and users, and issue and renew licenses.
import { randomBytes } from 'node:crypto';
import { BusyError } from '../../domain/errors.js';
import { defaultAssignment, takesAssignments } from '../../domain/assignments.js';
import { actorOf, type AuditRecord } from '../../domain/audit.js';
import { formatActivationCode, issueLicense, renewedValidUntil, withStatus } from '../../domain/license.js';
import { DEFAULT_TERM_MONTHS } from '../../domain/license.js';
import { userView } from '../../domain/users.js';
import { storedCallers } from '../http/callers.js';
import { createGroupHandler } from '../http/handler.js';
import { identityProvider } from '../identity/select.js';
import { createAccountStore } from '../store/accounts.js';
import { tableContext } from '../store/client.js';
import { newId } from '../store/ids.js';
import { ActivationCodeTakenError, createLicenseStore } from '../store/licenses.js';
import { createSettingsStore } from '../store/settings.js';
import { createUserStore } from '../store/users.js';
import { createUserDirectory } from '../use-cases/users.js';

const CODE_ATTEMPTS = 5;
const RENEW_ATTEMPTS = 5;

/** The users of this process's table, for the back office (creating; no seat leasing here). */
async function directory() {
  return createUserDirectory({
    users: createUserStore(tableContext()),
    identity: await identityProvider(),
    newId,
  });
}

export const handler = createGroupHandler('backoffice', storedCallers, {
  createAccount: async ({ body }) => {
    const account = { accountId: newId('acc'), name: body.name, autoAssignAllUsers: true };
    await createAccountStore(tableContext()).create(account);
    return { statusCode: 201, body: { accountId: account.accountId, name: account.name } };
  },

  // The one user-creation path (functions/use-cases/users.ts), as POST /v1/users, audited with the operator.
  createUser: async ({ params, body, caller, now }) => {
    const user = await (await directory()).create(params.accountId, body, actorOf(caller), now);
    return { statusCode: 201, body: userView(user) };
  },

  issueLicense: async ({ params, body, caller, now }) => {
    const context = tableContext();
    const account = await createAccountStore(context).require(params.accountId);
    const settings = await createSettingsStore(context).get(account.accountId);
    const licenses = createLicenseStore(context);
    for (let attempt = 1; ; attempt++) {
      const license = issueLicense(
        {
          licenseId: newId('lic'),
          accountId: account.accountId,
          product: body.product,
          seats: body.seats,
          activationCode: formatActivationCode(randomBytes(16)),
          validFrom: body.validFrom,
          termMonths: body.termMonths ?? DEFAULT_TERM_MONTHS,
        },
        now,
      );
      const assignments =
        takesAssignments(license.kind) && settings.autoAssignAllUsers
          ? [defaultAssignment(newId('asg'), license.licenseId)]
          : [];
      const audit: AuditRecord = {
        eventId: newId('evt'),
        accountId: account.accountId,
        at: now.toISOString(),
        actor: actorOf(caller),
        action: 'license.issued',
        targetId: license.licenseId,
        details: {
          product: license.product,
          seats: license.seats,
          validFrom: license.validFrom,
          validUntil: license.validUntil,
        },
      };
      try {
        await licenses.create(license, assignments, audit);
        return { statusCode: 201, body: withStatus(license, now) };
      } catch (error) {
        // 100 random bits make a clash all but impossible; retrying keeps codes unique even then.
        if (!(error instanceof ActivationCodeTakenError) || attempt >= CODE_ATTEMPTS) throw error;
      }
    }
  },

  renewLicense: async ({ params, body, caller, now }) => {
    const licenses = createLicenseStore(tableContext());
    const termMonths = body.termMonths ?? DEFAULT_TERM_MONTHS;
    for (let attempt = 1; ; attempt++) {
      const license = await licenses.require(params.accountId, params.licenseId);
      const validUntil = renewedValidUntil(license, termMonths, now);
      const renewed = await licenses.renew(license, validUntil, {
        eventId: newId('evt'),
        accountId: params.accountId,
        at: now.toISOString(),
        actor: actorOf(caller),
        action: 'license.renewed',
        targetId: license.licenseId,
        details: { previousValidUntil: license.validUntil, validUntil, termMonths },
      });
      if (renewed) return { statusCode: 200, body: withStatus(renewed, now) };
      // Another renewal changed the end between our read and write: renew from the new end.
      if (attempt >= RENEW_ATTEMPTS) throw new BusyError();
    }
  },
});
