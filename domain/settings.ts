// The account's license-manager settings (API.md "Assignments"; the seed's Admin - Settings - License manager).

/** GET/PUT /v1/settings/license-manager. */
export interface LicenseManagerSettings {
  /** A new CAL or design license gets an "All Users" assignment of all its seats (default true). */
  autoAssignAllUsers: boolean;
  /**
   * How long a session lives past its last heartbeat, in minutes (1-1440, default 10): the FlexNet/RLM
   * TIMEOUT option. A change applies from each session's next sign-in, join or heartbeat (API.md).
   */
  sessionTimeoutMinutes: number;
}

export const MIN_SESSION_TIMEOUT_MINUTES = 1;
export const MAX_SESSION_TIMEOUT_MINUTES = 1440;

/** What an account has before anyone changed its settings (API.md: true and 10 minutes). */
export const DEFAULT_SETTINGS: Readonly<LicenseManagerSettings> = Object.freeze({
  autoAssignAllUsers: true,
  sessionTimeoutMinutes: 10,
});

/**
 * What a PUT of `change` (either field may be left out) changes in `current`: only the fields whose value differs,
 * or null when nothing would change (then nothing is written nor logged: API.md "Each change … is in the log;
 * nothing else is logged").
 */
export function settingsChange(
  current: LicenseManagerSettings,
  change: Partial<LicenseManagerSettings>,
): Partial<LicenseManagerSettings> | null {
  const changed: Partial<LicenseManagerSettings> = {};
  if (change.autoAssignAllUsers !== undefined && change.autoAssignAllUsers !== current.autoAssignAllUsers)
    changed.autoAssignAllUsers = change.autoAssignAllUsers;
  if (
    change.sessionTimeoutMinutes !== undefined &&
    change.sessionTimeoutMinutes !== current.sessionTimeoutMinutes
  )
    changed.sessionTimeoutMinutes = change.sessionTimeoutMinutes;
  return Object.keys(changed).length === 0 ? null : changed;
}

/**
 * The time a settings change is recorded at: `now`, or just after the change it follows (ISO `previous`) when a
 * retried write commits after a later request's change, so that the log's newest `settings.updated` is the
 * settings as stored (API.md audit log, newest first).
 */
export function changeTime(now: Date, previous: string | null): Date {
  const after = previous ? Date.parse(previous) + 1 : Number.NEGATIVE_INFINITY;
  return new Date(Math.max(now.getTime(), after));
}
