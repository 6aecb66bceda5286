// A server's credentials: the secret a NEXUS server keeps in its configuration instead of a person's password.
// A new secret is shown once, with a copy button; the list says when each was created and last used; revoking one
// stops the tokens issued from it.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ok, type PortalClient, type Schemas } from '../../../client/index.js';
import { collectPages } from '../data.js';
import { formatTime } from '../format.js';
import { errorText } from '../messages.js';
import { type Column, DataTable, ErrorText, Loading, type Notice, useLoad, whileBusy } from '../ui.js';

type Credential = Schemas['Credential'];
type NewCredential = Schemas['NewCredential'];

/** Copies text to the clipboard: the Clipboard API, else the selected field and the copy command. */
async function copyText(text: string, field: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard permission (some browsers, embedded views): copy the selected text instead.
    field?.select();
    return document.execCommand('copy');
  }
}

/** The credentials panel of a server's page. */
export function CredentialsPanel(props: {
  api: PortalClient;
  serverId: string;
  hostName: string;
  notify: (notice: Notice) => void;
}) {
  const { api, serverId, hostName } = props;
  const [loaded, reload] = useLoad(
    () =>
      collectPages(async (nextToken) => {
        const page = await ok(
          api.GET('/v1/servers/{serverId}/credentials', {
            params: { path: { serverId }, query: { limit: 100, ...(nextToken ? { nextToken } : {}) } },
          }),
        );
        return { items: page.credentials, nextToken: page.nextToken };
      }),
    [api, serverId],
  );
  const [created, setCreated] = useState<NewCredential | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const secretField = useRef<HTMLInputElement>(null);
  // The new secret is the thing to act on now: focus it as soon as it is shown.
  useLayoutEffect(() => {
    if (created) secretField.current?.focus();
  }, [created]);
  const createButton = useRef<HTMLButtonElement>(null);

  const create = async () => {
    setError(null);
    setCopied(null);
    try {
      const credential = await whileBusy(setBusy, () =>
        ok(api.POST('/v1/servers/{serverId}/credentials', { params: { path: { serverId } } })),
      );
      setCreated(credential);
      await reload();
    } catch (failure) {
      setError(errorText(failure, { subject: hostName }));
    }
  };

  const copy = async () => {
    if (!created) return;
    const done = await copyText(created.secret, secretField.current);
    setCopied(
      done
        ? 'Copied to the clipboard.'
        : 'Copying did not work here: select the secret and copy it yourself (Ctrl+C).',
    );
  };

  const done = () => {
    setCreated(null);
    setCopied(null);
    createButton.current?.focus();
  };

  const revoke = async (credential: Credential) => {
    const which = `the credential of ${hostName} created ${formatTime(credential.createdAt)}`;
    if (
      !confirm(
        `Revoke ${which}? A NEXUS server using its secret can no longer get a token, and the tokens it has stop working at their next request.`,
      )
    )
      return;
    setError(null);
    try {
      await whileBusy(setBusy, () =>
        ok(
          api.DELETE('/v1/servers/{serverId}/credentials/{credentialId}', {
            params: { path: { serverId, credentialId: credential.credentialId } },
          }),
        ),
      );
      if (created?.credentialId === credential.credentialId) setCreated(null);
      props.notify({
        kind: 'success',
        text: `Revoked ${which}: tokens issued from it no longer work.`,
      });
    } catch (failure) {
      setError(errorText(failure, { subject: `The credential created ${formatTime(credential.createdAt)}` }));
    }
    await reload();
  };

  const columns: Column<Credential>[] = [
    {
      label: 'Secret begins with',
      cell: (credential) => <code>{credential.credentialId}.</code>,
    },
    { label: 'Created', nowrap: true, cell: (credential) => formatTime(credential.createdAt) },
    {
      label: 'Last used',
      nowrap: true,
      cell: (credential) => (credential.lastUsedAt ? formatTime(credential.lastUsedAt) : 'Never'),
    },
    {
      label: 'Actions',
      hiddenLabel: true,
      cell: (credential) => (
        <button
          type="button"
          class="danger"
          disabled={busy}
          onClick={() => void revoke(credential)}
          aria-label={`Revoke the credential created ${formatTime(credential.createdAt)}`}
        >
          Revoke
        </button>
      ),
    },
  ];

  return (
    <section class="card" aria-labelledby="credentials-title">
      <div class="panel-head">
        <h2 id="credentials-title">Credentials</h2>
        <button type="button" ref={createButton} disabled={busy} onClick={() => void create()}>
          Create credential
        </button>
      </div>
      <p class="muted">
        A credential's secret goes into {hostName}'s configuration: the server exchanges it for its own token
        (POST /v1/auth/server-token), so no person's password is stored there. Revoke a credential when the
        secret may have leaked or the server is replaced.
      </p>
      {created && (
        <section class="secret-box" aria-labelledby="secret-title">
          <h3 id="secret-title">The new credential's secret</h3>
          <p>
            <strong>Copy it now: you will not see it again.</strong> The portal keeps only a hash of it.
          </p>
          <label for="credential-secret">Secret</label>
          <div class="secret-row">
            <input
              id="credential-secret"
              class="secret-input"
              ref={secretField}
              readOnly
              spellcheck={false}
              value={created.secret}
              onFocus={(event) => event.currentTarget.select()}
            />
            <button type="button" onClick={() => void copy()}>
              Copy secret
            </button>
            <button type="button" class="secondary" onClick={done}>
              I have saved it
            </button>
          </div>
          <p class="muted" role="status">
            {copied}
          </p>
        </section>
      )}
      <ErrorText text={error} />
      {loaded.state === 'loading' && <Loading what="credentials" />}
      {loaded.state === 'error' && <ErrorText text={errorText(loaded.error, { subject: hostName })} />}
      {loaded.state === 'ready' &&
        (loaded.data.length ? (
          <DataTable
            caption={`Credentials of ${hostName}`}
            captionHidden
            columns={columns}
            rows={loaded.data}
            rowKey={(credential) => credential.credentialId}
          />
        ) : (
          <p class="empty">
            {hostName} has no credential. Create one and put its secret in the server's configuration.
          </p>
        ))}
    </section>
  );
}
