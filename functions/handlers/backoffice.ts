// Back office: operators create accounts and users and issue and renew licenses.
import { randomBytes } from 'node:crypto';
import { BusyError } from '../../domain/errors.js';
import { effectiveRoles, normalizeEmail, type User } from '../../domain/account.js';
import { defaultAssignment, takesAssignments } from '../../domain/assignments.js';
import { formatActivationCode, issueLicense, renewedValidUntil, withStatus } from '../../domain/license.js';
import { DEFAULT_TERM_MONTHS } from '../../domain/license.js';
import { storedCallers } from '../http/callers.js';
import { createGroupHandler } from '../http/handler.js';
import { identityProvider } from '../identity/select.js';
import { createAccountStore } from '../store/accounts.js';
import { tableContext } from '../store/client.js';
import { newId } from '../store/ids.js';
import { ActivationCodeTakenError, createLicenseStore } from '../store/licenses.js';
import { createSettingsStore } from '../store/settings.js';

const CODE_ATTEMPTS = 5;
const RENEW_ATTEMPTS = 5;

export const handler = createGroupHandler('backoffice', storedCallers, {
  createAccount: async ({ body }) => {
    const account = { accountId: newId('acc'), name: body.name, autoAssignAllUsers: true };
    await createAccountStore(tableContext()).create(account);
    return { statusCode: 201, body: { accountId: account.accountId, name: account.name } };
  },

  createUser: async ({ params, body }) => {
    const idp = await identityProvider();
    const user: User = {
      userId: newId('usr'),
      accountId: params.accountId,
      email: normalizeEmail(body.email),
      roles: effectiveRoles(body.roles),
      admin: body.admin,
      disabled: false,
      profileVersion: 0,
    };
    const accounts = createAccountStore(tableContext());
    // The table first: it decides whether the email is free. If the identity provider then refuses the
    // user, the table forgets it again, so no user exists who cannot sign in.
    await accounts.createUser(user, await idp.passwordHashFor(body.password));
    try {
      await idp.createIdentity(user, body.password);
    } catch (error) {
      await accounts.deleteUser(user);
      throw error;
    }
    return {
      statusCode: 201,
      body: { userId: user.userId, email: user.email, roles: user.roles, admin: user.admin },
    };
  },

  issueLicense: async ({ params, body, now }) => {
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
      try {
        await licenses.create(license, assignments);
        return { statusCode: 201, body: withStatus(license, now) };
      } catch (error) {
        // 100 random bits make a clash all but impossible; retrying keeps codes unique even then.
        if (!(error instanceof ActivationCodeTakenError) || attempt >= CODE_ATTEMPTS) throw error;
      }
    }
  },

  renewLicense: async ({ params, body, now }) => {
    const licenses = createLicenseStore(tableContext());
    for (let attempt = 1; ; attempt++) {
      const license = await licenses.require(params.accountId, params.licenseId);
      const validUntil = renewedValidUntil(license, body.termMonths ?? DEFAULT_TERM_MONTHS, now);
      const renewed = await licenses.renew(
        params.accountId,
        params.licenseId,
        license.validUntil,
        validUntil,
      );
      if (renewed) return { statusCode: 200, body: withStatus(renewed, now) };
      // Another renewal changed the end between our read and write: renew from the new end.
      if (attempt >= RENEW_ATTEMPTS) throw new BusyError();
    }
  },
});
