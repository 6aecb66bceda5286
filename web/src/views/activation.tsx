// Activate: a Host ID (and optional host name) in, a signed .alf file out, downloaded byte for byte. Its state
// belongs to one license's page, so nothing typed here shows up on another license.
import { useState } from 'preact/hooks';
import { downloadAlf, ok, type PortalClient, type Schemas } from '../../../client/index.js';
import { saveFile } from '../api.js';
import { type License, licenseLabel } from '../format.js';
import { errorText } from '../messages.js';
import { ErrorText, onSubmit, whileBusy } from '../ui.js';

type Activation = Schemas['Activation'];

/** The Activate panel of a license's page. */
export function ActivationPanel({ api, license }: { api: PortalClient; license: License }) {
  const [hostId, setHostId] = useState('');
  const [hostName, setHostName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<(Activation & { hostId: string; hostName: string })[]>([]);
  // The idempotency key stays while the same request is retried after a failure, so a retried click cannot
  // make a second activation; a new request (or a success) gets a new key.
  const [pending, setPending] = useState<{ signature: string; key: string } | null>(null);

  const activate = async () => {
    const id = hostId.trim();
    const name = hostName.trim();
    if (!id) {
      setError('Enter the Host ID of the machine the license file is for.');
      return;
    }
    setError(null);
    const body = name ? { hostId: id, hostName: name } : { hostId: id };
    const signature = JSON.stringify(body);
    const attempt = pending?.signature === signature ? pending : { signature, key: crypto.randomUUID() };
    setPending(attempt);
    try {
      const activation = await whileBusy(setBusy, () =>
        ok(
          api.POST('/v1/licenses/{licenseId}/activations', {
            params: { path: { licenseId: license.licenseId }, header: { 'idempotency-key': attempt.key } },
            body,
          }),
        ),
      );
      setPending(null);
      setDone((list) => [{ ...activation, hostId: id, hostName: name }, ...list]);
    } catch (failure) {
      setError(errorText(failure, { license }));
    }
  };

  const download = async (activation: Activation) => {
    setError(null);
    try {
      const file = await whileBusy(setBusy, () => downloadAlf(api, activation.activationId));
      saveFile(file.fileName, file.text, 'text/plain;charset=utf-8');
    } catch (failure) {
      setError(errorText(failure, { license, subject: 'This activation' }));
    }
  };

  return (
    <section class="card" aria-labelledby="activate-title">
      <h2 id="activate-title">Activate</h2>
      <p class="muted">
        Activating makes a signed license file (.alf) of {licenseLabel(license)} for one host; it takes no
        seat. Import the file on the NEXUS server with Add Licenses, From file.
      </p>
      <form class="toolbar" noValidate onSubmit={onSubmit(activate)} aria-busy={busy}>
        <div class="field">
          <label for="activate-host-id">Host ID</label>
          <input
            id="activate-host-id"
            maxLength={200}
            autocomplete="off"
            required
            value={hostId}
            onInput={(event) => setHostId(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="activate-host-name">
            Host name <span class="muted">(optional)</span>
          </label>
          <input
            id="activate-host-name"
            maxLength={255}
            autocomplete="off"
            value={hostName}
            onInput={(event) => setHostName(event.currentTarget.value)}
          />
        </div>
        <button type="submit" disabled={busy}>
          Activate
        </button>
      </form>
      <ErrorText text={error} />
      {done.length > 0 && (
        <ul class="activations" aria-label="Activations made on this page">
          {done.map((activation) => (
            <li key={activation.activationId} class="result">
              <span>
                Activated for {activation.hostName || activation.hostId}
                {activation.hostName ? ` (${activation.hostId})` : ''}: <strong>{activation.fileName}</strong>
              </span>
              <button
                type="button"
                disabled={busy}
                onClick={() => void download(activation)}
                aria-label={`Download .alf ${activation.fileName}`}
              >
                Download .alf
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
