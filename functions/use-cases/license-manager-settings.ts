// The account's license-manager settings (API.md "PUT /v1/settings/license-manager"): only a change is written and
// logged, and two PUTs of different fields at once both land (a write conditioned on the version read).
import type { AuditActor, AuditRecord } from '../../domain/audit.js';
import { BusyError } from '../../domain/errors.js';
import { changeTime, type LicenseManagerSettings, settingsChange } from '../../domain/settings.js';
import { backoffMs, SEAT_RETRY, sleep } from '../store/retry.js';
import type { SettingsStore } from '../store/settings.js';

/**
 * PUT /v1/settings/license-manager: the settings after `change` (either field may be left out), with its
 * `settings.updated` record (only the changed fields; recorded just after the change it follows, so the newest
 * event is the settings as stored). A PUT that changes nothing writes nothing. BusyError when other PUTs keep
 * winning the version race.
 */
export async function changeSettings(
  store: SettingsStore,
  input: {
    accountId: string;
    change: Partial<LicenseManagerSettings>;
    actor: AuditActor;
    now: Date;
    newEventId: () => string;
  },
): Promise<LicenseManagerSettings> {
  const { accountId, actor, now } = input;
  for (let attempt = 0; attempt < SEAT_RETRY.attempts; attempt++) {
    const { settings: current, version, updatedAt } = await store.read(accountId);
    const change = settingsChange(current, input.change);
    if (!change) return current;
    const settings = { ...current, ...change };
    const audit: AuditRecord = {
      eventId: input.newEventId(),
      accountId,
      at: changeTime(now, updatedAt).toISOString(),
      actor,
      action: 'settings.updated',
      targetId: accountId,
      details: { ...change },
    };
    if (await store.replace(accountId, settings, version, audit)) return settings;
    await sleep(backoffMs(SEAT_RETRY, attempt));
  }
  throw new BusyError(SEAT_RETRY.retryAfterSeconds);
}
