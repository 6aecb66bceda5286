// A license's page: its facts (with the Server license's System seats explained), and for administrators
// activation with the .alf download, its sessions with Kill Session, and its role assignments.
import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { getLicense, hasSeatsForPeople } from '../data.js';
import {
  daysLeftText,
  formatDate,
  KIND_LABELS,
  type License,
  licenseLabel,
  termPosition,
} from '../format.js';
import { expiryNotices, SYSTEM_SEAT_EXPLANATION, usedHint } from '../licenses.js';
import { errorText } from '../messages.js';
import { hrefOf } from '../routes.js';
import { ErrorText, Loading, type PageProps, useLoad } from '../ui.js';
import { ActivationPanel } from './activation.js';
import { AssignmentsPanel } from './assignments.js';
import { ExpiryNotices, StatusBadge } from './licenses.js';
import { SessionsPanel } from './sessions.js';

function Facts({ license }: { license: License }) {
  const now = new Date();
  const facts: [string, ComponentChildren][] = [
    ['Product', license.product],
    ['Kind', KIND_LABELS[license.kind]],
    ['Activation code', <code key="code">{license.activationCode}</code>],
    ['Seats', license.seats],
    ['Used', `${license.used} — ${usedHint(license)}`],
    ['Status', <StatusBadge key="status" status={license.status} />],
    ['Valid from', formatDate(license.validFrom)],
    ['Valid until', formatDate(license.validUntil)],
    ['Days left', daysLeftText(termPosition(license, now))],
  ];
  return (
    <>
      <dl class="facts">
        {facts.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {license.kind === 'server' && <p class="muted explain">{SYSTEM_SEAT_EXPLANATION}</p>}
    </>
  );
}

/** The page of one license. */
export function LicenseView({ api, session, params, notify, setHeading }: PageProps) {
  const licenseId = params.licenseId ?? '';
  const [loaded, reload] = useLoad(() => getLicense(api, licenseId), [api, licenseId]);
  const license = loaded.state === 'ready' ? loaded.data : null;

  useEffect(() => {
    if (license) setHeading(licenseLabel(license));
  }, [license, setHeading]);

  return (
    <>
      <p class="back">
        <a href={hrefOf('licenses')}>← All licenses</a>
      </p>
      {loaded.state === 'loading' && <Loading what="the license" />}
      {loaded.state === 'error' && <ErrorText text={errorText(loaded.error, { subject: 'This license' })} />}
      {license && (
        <>
          <ExpiryNotices notices={expiryNotices([license], new Date())} />
          <Facts license={license} />
          {session.isAdmin && (
            <>
              <ActivationPanel api={api} license={license} />
              <SessionsPanel api={api} license={license} notify={notify} onChanged={reload} />
              {hasSeatsForPeople(license) && <AssignmentsPanel api={api} license={license} notify={notify} />}
            </>
          )}
        </>
      )}
    </>
  );
}
