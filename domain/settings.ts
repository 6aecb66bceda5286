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

/** The settings after a PUT that may name either field: the named ones replace, the others stay. */
export function changedSettings(
  current: LicenseManagerSettings,
  change: Partial<LicenseManagerSettings>,
): LicenseManagerSettings {
  return {
    autoAssignAllUsers: change.autoAssignAllUsers ?? current.autoAssignAllUsers,
    sessionTimeoutMinutes: change.sessionTimeoutMinutes ?? current.sessionTimeoutMinutes,
  };
}
