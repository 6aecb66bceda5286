// Settings (the seed's Admin - Settings - License manager): the All Users assignment of new CALs and how long a
// session lives past its last heartbeat.
import { useState } from 'preact/hooks';
import { ok } from '../../../client/index.js';
import { errorText } from '../messages.js';
import { ErrorText, Loading, onSubmit, type PageProps, useLoad, whileBusy } from '../ui.js';

const MIN_TIMEOUT = 1;
const MAX_TIMEOUT = 1440;

/** The Settings page: loads the settings, then shows their form (never an empty one while they arrive). */
export function SettingsView(props: PageProps) {
  const [loaded] = useLoad(() => ok(props.api.GET('/v1/settings/license-manager')), [props.api]);
  if (loaded.state === 'loading') return <Loading what="settings" />;
  if (loaded.state === 'error')
    return <ErrorText text={`The settings could not be loaded. ${errorText(loaded.error)}`} />;
  return <SettingsForm {...props} saved={loaded.data} />;
}

/** The form, starting from the settings as saved. */
function SettingsForm({
  api,
  notify,
  saved: initial,
}: PageProps & { saved: { autoAssignAllUsers: boolean; sessionTimeoutMinutes: number } }) {
  const [autoAssign, setAutoAssign] = useState(initial.autoAssignAllUsers);
  const [timeout, setTimeoutText] = useState(String(initial.sessionTimeoutMinutes));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async () => {
    const minutes = Number(timeout);
    if (!Number.isInteger(minutes) || minutes < MIN_TIMEOUT || minutes > MAX_TIMEOUT) {
      setError(
        `Session timeout must be a whole number of minutes from ${MIN_TIMEOUT} to ${MAX_TIMEOUT} (a day).`,
      );
      return;
    }
    setError(null);
    try {
      const saved = await whileBusy(setBusy, () =>
        ok(
          api.PUT('/v1/settings/license-manager', {
            body: { autoAssignAllUsers: autoAssign, sessionTimeoutMinutes: minutes },
          }),
        ),
      );
      setAutoAssign(saved.autoAssignAllUsers);
      setTimeoutText(String(saved.sessionTimeoutMinutes));
      notify({
        kind: 'success',
        text: `Settings saved: new CALs ${saved.autoAssignAllUsers ? 'get' : 'do not get'} an All Users assignment; a session ends ${saved.sessionTimeoutMinutes} minutes after its last heartbeat.`,
      });
    } catch (failure) {
      setError(errorText(failure));
    }
  };

  return (
    <form class="card narrow" noValidate onSubmit={onSubmit(save)} aria-label="License manager settings">
      <h2>License manager</h2>
      <label class="check">
        <input
          type="checkbox"
          checked={autoAssign}
          onChange={(event) => setAutoAssign(event.currentTarget.checked)}
          aria-describedby="auto-assign-help"
        />{' '}
        Automatically create assignment for All Users
      </label>
      <p class="muted" id="auto-assign-help">
        When checked, every new CAL is assigned to the All Users role with all available seats.
      </p>
      <label for="session-timeout">Session timeout (minutes)</label>
      <input
        id="session-timeout"
        type="number"
        min={MIN_TIMEOUT}
        max={MAX_TIMEOUT}
        step={1}
        value={timeout}
        onInput={(event) => setTimeoutText(event.currentTarget.value)}
        aria-describedby="timeout-help"
      />
      <p class="muted" id="timeout-help">
        How long a seat stays held after the NEXUS server's last heartbeat for it (1 to 1440). A change
        applies from each session's next sign-in or heartbeat.
      </p>
      <ErrorText text={error} />
      <button type="submit" disabled={busy}>
        Save settings
      </button>
    </form>
  );
}
