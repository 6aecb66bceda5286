// Role assignments of CAL and design-software licenses, the license-manager settings and seat use per role.
import {
  type Assignment,
  fitsLicense,
  overcommittedError,
  rolesSummary,
  takesAssignments,
} from '../../domain/assignments.js';
import { actorOf, type AuditRecord } from '../../domain/audit.js';
import { BusyError, InvalidRequestError } from '../../domain/errors.js';
import type { AccountCaller } from '../../domain/identity.js';
import { isValidAt, type License } from '../../domain/license.js';
import { storedCallers } from '../http/callers.js';
import { createGroupHandler } from '../http/handler.js';
import { AssignmentChangedError, createAssignmentStore, requireAssignment } from '../store/assignments.js';
import { tableContext } from '../store/client.js';
import { newId } from '../store/ids.js';
import { createLicenseStore } from '../store/licenses.js';
import { pageRequest } from '../store/paging.js';
import { createSettingsStore } from '../store/settings.js';
import { changeSettings } from '../use-cases/license-manager-settings.js';

/** Re-reads when two administrators change the same assignment at once, before answering busy. */
const CHANGE_ATTEMPTS = 5;

function assignmentBody(a: Assignment) {
  return {
    assignmentId: a.assignmentId,
    role: a.role,
    seats: a.seats,
    used: a.used,
    automaticLeasing: a.automaticLeasing,
    allowRoaming: a.allowRoaming,
  };
}

/** The audit record of a change of an assignment by `caller` (API.md "assignment.created|updated|deleted"). */
function assignmentRecord(
  caller: AccountCaller,
  action: 'assignment.created' | 'assignment.updated' | 'assignment.deleted',
  assignment: Assignment,
  now: Date,
): AuditRecord {
  return {
    eventId: newId('evt'),
    accountId: caller.accountId,
    at: now.toISOString(),
    actor: actorOf(caller),
    action,
    targetId: assignment.assignmentId,
    details: {
      licenseId: assignment.licenseId,
      role: assignment.role,
      seats: assignment.seats,
      automaticLeasing: assignment.automaticLeasing,
      allowRoaming: assignment.allowRoaming,
    },
  };
}

function requireAssignable(license: License): void {
  if (!takesAssignments(license.kind)) {
    throw new InvalidRequestError(
      `License ${license.licenseId} is a Server license, held by servers; only CAL and Altium NEXUS licenses are assigned to roles.`,
    );
  }
}

function checkFits(license: License, assignedNow: number, delta: number): void {
  // The store enforces this exactly; this first check answers a plain overcommit without a write.
  if (delta > 0 && !fitsLicense(license.seats, assignedNow, delta)) {
    throw overcommittedError(license);
  }
}

export const handler = createGroupHandler('assignments', storedCallers, {
  listAssignments: async ({ params, query, caller }) => {
    const ctx = tableContext();
    // The token is checked first: API.md orders 400 before 404.
    const page = await pageRequest(query, {
      list: 'assignments',
      accountId: caller.accountId,
      filter: { licenseId: params.licenseId },
    });
    await createLicenseStore(ctx).require(caller.accountId, params.licenseId);
    const found = await createAssignmentStore(ctx).list(caller.accountId, params.licenseId, page);
    return {
      statusCode: 200,
      body: { assignments: found.items.map(assignmentBody), nextToken: found.nextToken },
    };
  },

  createAssignment: async ({ params, body, caller, now }) => {
    const ctx = tableContext();
    const license = await createLicenseStore(ctx).require(caller.accountId, params.licenseId);
    requireAssignable(license);
    const assignment: Assignment = {
      assignmentId: newId('asg'),
      licenseId: license.licenseId,
      role: body.role,
      seats: body.seats,
      used: 0,
      automaticLeasing: body.automaticLeasing ?? true,
      allowRoaming: body.allowRoaming ?? false,
    };
    checkFits(license, 0, body.seats === 'all' ? 0 : body.seats);
    await createAssignmentStore(ctx).create(
      caller.accountId,
      license,
      assignment,
      assignmentRecord(caller, 'assignment.created', assignment, now),
    );
    return { statusCode: 201, body: assignmentBody(assignment) };
  },

  replaceAssignment: async ({ params, body, caller, now }) => {
    const ctx = tableContext();
    const license = await createLicenseStore(ctx).require(caller.accountId, params.licenseId);
    const store = createAssignmentStore(ctx);
    for (let attempt = 0; attempt < CHANGE_ATTEMPTS; attempt++) {
      const before = requireAssignment(
        await store.get(caller.accountId, license.licenseId, params.assignmentId),
      );
      const after: Assignment = {
        ...before,
        role: body.role,
        seats: body.seats,
        automaticLeasing: body.automaticLeasing ?? true,
        allowRoaming: body.allowRoaming ?? false,
      };
      try {
        await store.replace(
          caller.accountId,
          license,
          before,
          after,
          assignmentRecord(caller, 'assignment.updated', after, now),
        );
        return { statusCode: 200, body: assignmentBody(after) };
      } catch (error) {
        if (!(error instanceof AssignmentChangedError)) throw error;
      }
    }
    throw new BusyError();
  },

  deleteAssignment: async ({ params, caller, now }) => {
    const ctx = tableContext();
    const license = await createLicenseStore(ctx).require(caller.accountId, params.licenseId);
    const store = createAssignmentStore(ctx);
    for (let attempt = 0; attempt < CHANGE_ATTEMPTS; attempt++) {
      const before = requireAssignment(
        await store.get(caller.accountId, license.licenseId, params.assignmentId),
      );
      try {
        await store.delete(
          caller.accountId,
          license,
          before,
          now,
          assignmentRecord(caller, 'assignment.deleted', before, now),
        );
        return { statusCode: 204 };
      } catch (error) {
        if (!(error instanceof AssignmentChangedError)) throw error;
      }
    }
    throw new BusyError();
  },

  getSettings: async ({ caller }) => {
    const settings = await createSettingsStore(tableContext()).get(caller.accountId);
    return { statusCode: 200, body: settings };
  },

  putSettings: async ({ body, caller, now }) => {
    const settings = await changeSettings(createSettingsStore(tableContext()), {
      accountId: caller.accountId,
      change: body,
      actor: actorOf(caller),
      now,
      newEventId: () => newId('evt'),
    });
    return { statusCode: 200, body: settings };
  },

  listRoles: async ({ caller, now }) => {
    const ctx = tableContext();
    const [licenses, assignments] = await Promise.all([
      createLicenseStore(ctx).listAll(caller.accountId),
      createAssignmentStore(ctx).listAll(caller.accountId),
    ]);
    // Availability is about seats that can be served now: assignments of licenses valid at this moment.
    const valid = new Set(licenses.filter((l) => isValidAt(l, now)).map((l) => l.licenseId));
    return {
      statusCode: 200,
      body: { roles: rolesSummary(assignments.filter((a) => valid.has(a.licenseId))) },
    };
  },
});
