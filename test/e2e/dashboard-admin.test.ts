// The dashboard's administration pages in a real browser (Debian Chromium via playwright-core) against the portal
// on DynamoDB Local: Servers (register, Add Licenses From cloud and From file, credentials, remove), Sessions (Admin
// - Sessions: filters by name, paging, Kill Session), Users (search, create, edit, disable, delete, last_admin,
// email_taken, a 403 in words) and the Audit log (filters, CSV). A test per flow, in order: later ones read what
// earlier ones changed (the audit test reads them all). axe-core and the sideways-scroll check on every page and
// state, every page again at 390 px, screenshots in test-artifacts/dashboard/.
import { readFile } from 'node:fs/promises';
import type { Dialog, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAlf } from '../../domain/alf.js';
import { type BrowserKit, checkPage, startBrowser, type Watched } from '../support/browser.js';
import { startTestPortal, type TestAccount, type TestPortal } from '../support/portal.js';

let portal: TestPortal;
let co: TestAccount;
let kit: BrowserKit;
const licenses: Record<'serverA' | 'serverB' | 'cal', any> = {} as any;
/** A licensed server the sessions are held on. */
let hq: { serverId: string; hostName: string };
/** The server registered in the browser (then given licenses, a credential, and removed). */
const NEW_HOST = 'nexus-new.adminco.local';
let newServerId = '';
const DANA = { email: 'dana.reyes@adminco.example', name: 'Dana Reyes' };

const label = (license: any) => `${license.product} ${license.activationCode}`;

beforeAll(async () => {
  portal = await startTestPortal();
  co = await portal.createAccount('Admin Co');
  licenses.serverA = await portal.issueLicense(co.accountId, 'Altium NEXUS Server', 2);
  licenses.serverB = await portal.issueLicense(co.accountId, 'Altium NEXUS Server', 1);
  licenses.cal = await portal.issueLicense(co.accountId, 'Altium NEXUS Server CAL', 40);
  const token = co.admin.token;
  hq = (await portal.call('POST', '/v1/servers', { token, body: { hostName: 'nexus-hq.adminco.local' } }))
    .body;
  const acquired = await portal.call('POST', `/v1/servers/${hq.serverId}/acquisitions`, {
    token,
    body: { licenseIds: [licenses.serverA.licenseId, licenses.cal.licenseId] },
  });
  expect(acquired.status).toBe(201);
  kit = await startBrowser(portal.url);
  await kit.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: portal.url });
});

afterAll(async () => {
  await kit?.close();
  await portal?.stop();
});

/** A sign-in of `userId` through a server (the NEXUS server's call, as its administrator's token). */
async function startSession(serverId: string, userId: string, machineId: string) {
  const answer = await portal.call('POST', `/v1/servers/${serverId}/sessions`, {
    token: co.admin.token,
    body: { userId, machineId, client: 'browser' },
  });
  expect(answer.status, answer.text).toBe(201);
  return answer.body.sessionId as string;
}

async function sessionsOf(query: string): Promise<any[]> {
  const answer = await portal.call('GET', `/v1/sessions?limit=100&${query}`, { token: co.admin.token });
  expect(answer.status).toBe(200);
  return answer.body.sessions;
}

/** Accepts every confirmation the page asks for, keeping their texts. */
function acceptDialogs(page: Page): string[] {
  const asked: string[] = [];
  page.on('dialog', (dialog: Dialog) => {
    asked.push(dialog.message());
    void dialog.accept();
  });
  return asked;
}

async function openTab(page: Page, tab: string, heading = tab) {
  await page.getByRole('navigation', { name: 'Dashboard sections' }).getByRole('link', { name: tab }).click();
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
}

const notice = (page: Page) => page.locator('.notice').textContent();
const alertText = (page: Page) => page.getByRole('alert').first().textContent();
const factOf = (page: Page, term: string) => page.locator('.facts > div', { hasText: term }).locator('dd');

describe('dashboard: servers', () => {
  it('registers a server, acquires From cloud in the Add Licenses window and imports an .alf From file', async () => {
    const page = await kit.signedIn(co.admin);
    await openTab(page, 'Servers');
    const rows = page.getByRole('table', { name: 'NEXUS servers' }).locator('tbody tr');
    await expect.poll(() => rows.allTextContents()).toEqual([expect.stringContaining(hq.hostName)]);
    await expect(rows.first().textContent()).resolves.toContain('Licensed');
    await checkPage(page, 'servers');

    // Register: an unlicensed server, named in the alert banner with what it means and what to do.
    await page.getByRole('button', { name: 'Register server' }).click();
    await expect.poll(() => alertText(page)).toContain('Enter the host name of the NEXUS server');
    await page.getByLabel('Host name of a new server').fill(NEW_HOST);
    await page.getByRole('button', { name: 'Register server' }).click();
    await expect.poll(() => notice(page)).toContain(`${NEW_HOST} registered.`);
    await expect.poll(() => rows.count()).toBe(2);
    await expect(rows.filter({ hasText: NEW_HOST }).textContent()).resolves.toContain('Unlicensed');
    const banner = page.getByRole('region', { name: 'A server is unlicensed' });
    await expect(banner.textContent()).resolves.toContain('nobody can sign in to it');
    await expect(banner.textContent()).resolves.toContain('What to do: Open it and use Add Licenses');
    await checkPage(page, 'servers-unlicensed');

    // Its page: a link in the page moves focus to the new heading.
    await banner.getByRole('link', { name: NEW_HOST }).click();
    await page.getByRole('heading', { name: NEW_HOST, level: 1 }).waitFor();
    await expect(page.evaluate('document.activeElement?.tagName')).resolves.toBe('H1');
    newServerId = decodeURIComponent(String(await page.evaluate('location.hash')).split('/')[1] ?? '');
    await expect(factOf(page, 'State').textContent()).resolves.toBe('Unlicensed');
    await expect(factOf(page, 'Server licenses held').textContent()).resolves.toBe('None');

    // From cloud: the seed's window, filtered by Product Name and Show valid only; Escape closes it.
    const fromCloud = page.getByRole('button', { name: 'From cloud' });
    await fromCloud.click();
    const dialog = page.getByRole('dialog', { name: `Add Licenses From cloud for ${NEW_HOST}` });
    await dialog.waitFor();
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('cloud-product');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => page.evaluate('document.activeElement?.textContent')).toBe('From cloud');
    await fromCloud.click();
    const offered = dialog.locator('tbody tr');
    await expect.poll(() => offered.count()).toBe(3);
    await dialog.getByLabel('Product Name').fill('nothing like this');
    await expect.poll(() => dialog.getByText('No license matches “nothing like this”').count()).toBe(1);
    await dialog.getByLabel('Product Name').fill('server');
    await dialog.getByLabel('Show valid only').check();
    await expect.poll(() => offered.count()).toBe(3);
    await dialog.getByRole('button', { name: 'Acquire' }).click();
    await expect
      .poll(() => dialog.getByRole('alert').textContent())
      .toBe('Select at least one license to acquire (the boxes in the first column).');
    await dialog.getByLabel(`Select ${label(licenses.serverA)}`).check();
    await dialog.getByLabel('Product Name').fill('cal');
    await expect.poll(() => offered.count()).toBe(1);
    await dialog.getByLabel(`Select ${label(licenses.cal)}`).check();
    await expect(dialog.getByRole('status').textContent()).resolves.toBe(
      `Selected: ${label(licenses.serverA)}, ${label(licenses.cal)}`,
    );
    await checkPage(page, 'server-from-cloud');
    await dialog.getByRole('button', { name: 'Acquire 2 licenses' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    await expect
      .poll(() => notice(page))
      .toBe(
        `Acquired for ${NEW_HOST}: ${label(licenses.serverA)}, ${label(licenses.cal)}. Sign out of the NEXUS server and in again to enable what they license.`,
      );
    // What was acquired: the files, each to download, and the server's state and Server license.
    const added = page
      .getByRole('list', { name: `Licenses added to ${NEW_HOST} on this page` })
      .locator('li');
    await expect(added.count()).resolves.toBe(2);
    await expect.poll(() => factOf(page, 'State').textContent()).toBe('Licensed');
    await expect(factOf(page, 'Server licenses held').textContent()).resolves.toBe(label(licenses.serverA));
    const fileName = `Altium Nexus Server License ${licenses.serverA.activationCode} R10 Primary.alf`;
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: `Download .alf ${fileName}` }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(fileName);
    const verdict = verifyAlf(
      await readFile(await download.path()),
      (await portal.call('GET', '/v1/keys')).body.keys,
    );
    expect(verdict.valid && verdict.grant.hostId).toBe(newServerId);
    await checkPage(page, 'server-acquired');

    // From file: a changed file is refused in words; the real one makes the server hold its license.
    const activation = await portal.call('POST', `/v1/licenses/${licenses.serverB.licenseId}/activations`, {
      token: co.admin.token,
      body: { hostId: 'HOST-NEW-01', hostName: NEW_HOST },
    });
    expect(activation.status).toBe(201);
    const alf: string = activation.body.alf;
    const importFile = async (name: string, text: string) => {
      const [chooser] = await Promise.all([
        page.waitForEvent('filechooser'),
        page.getByRole('button', { name: 'From file' }).click(),
      ]);
      await chooser.setFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });
    };
    await importFile('changed.alf', alf.replace('Seats: 1', 'Seats: 9'));
    await expect
      .poll(() => alertText(page))
      .toBe(
        "“changed.alf” is not a license file of your account as this portal signed it: it may have been changed after it was downloaded, or it is another kind of file. Download it again from the license's page (Activate, then Download .alf) and import it unchanged.",
      );
    await checkPage(page, 'server-from-file-error');
    await importFile(activation.body.fileName, alf);
    await expect
      .poll(() => notice(page))
      .toBe(
        `Imported “${activation.body.fileName}”: ${NEW_HOST} now holds ${label(licenses.serverB)}. Sign out of the NEXUS server and in again to enable it.`,
      );
    await expect
      .poll(() => factOf(page, 'Server licenses held').locator('li').allTextContents())
      .toEqual(expect.arrayContaining([label(licenses.serverA), label(licenses.serverB)]));
    await expect(page.getByRole('alert').count()).resolves.toBe(0);
    await checkPage(page, 'server-imported');
    const status = await portal.call('GET', `/v1/servers/${newServerId}/status`, { token: co.admin.token });
    expect(status.body.serverLicenseIds).toContain(licenses.serverB.licenseId);
    expect(page.failures).toEqual([]);
    await page.close();
  });

  it('creates a credential whose secret is shown once with a copy button, and revokes it (its token then answers 401)', async () => {
    const page = await kit.signedIn(co.admin);
    const asked = acceptDialogs(page);
    await page.evaluate(`location.hash = '#server/${newServerId}'`);
    await page.getByRole('heading', { name: NEW_HOST, level: 1 }).waitFor();
    const panel = page.getByRole('region', { name: 'Credentials' });
    await expect.poll(() => panel.getByText(`${NEW_HOST} has no credential`).count()).toBe(1);
    await panel.getByRole('button', { name: 'Create credential' }).click();
    const secretBox = page.getByRole('region', { name: "The new credential's secret" });
    await secretBox.waitFor();
    await expect(secretBox.textContent()).resolves.toContain('Copy it now: you will not see it again.');
    const secret = await page.getByLabel('Secret', { exact: true }).inputValue();
    expect(secret).toMatch(/^crd_[a-z2-7]{20}\.[A-Za-z0-9_-]{43}$/);
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('credential-secret');
    await secretBox.getByRole('button', { name: 'Copy secret' }).click();
    await expect.poll(() => secretBox.getByRole('status').textContent()).toBe('Copied to the clipboard.');
    await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(secret);
    await checkPage(page, 'server-credential-secret');

    // The NEXUS server exchanges the secret for its own token.
    const exchanged = await portal.call('POST', '/v1/auth/server-token', { body: { secret } });
    expect(exchanged.status).toBe(200);
    const serverToken = exchanged.body.accessToken;
    const statusPath = `/v1/servers/${newServerId}/status`;
    expect((await portal.call('GET', statusPath, { token: serverToken })).status).toBe(200);

    await secretBox.getByRole('button', { name: 'I have saved it' }).click();
    await expect.poll(() => secretBox.count()).toBe(0);
    await expect(page.evaluate('document.activeElement?.textContent')).resolves.toBe('Create credential');
    // Shown once: after a reload the page has it nowhere; the list says when it was last used.
    await page.reload();
    const rows = panel.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    await expect(page.content()).resolves.not.toContain(secret.split('.')[1]);
    const cells = await rows.locator('td').allTextContents();
    expect(cells[0]).toBe(`${secret.split('.')[0]}.`);
    expect(cells[1]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(cells[2]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    await checkPage(page, 'server-credentials');

    await rows.getByRole('button', { name: /^Revoke the credential created / }).click();
    await expect.poll(() => rows.count()).toBe(0);
    expect(asked.at(-1)).toMatch(
      new RegExp(`^Revoke the credential of ${NEW_HOST} created .* UTC\\? A NEXUS server`),
    );
    await expect
      .poll(() => notice(page))
      .toMatch(/^Revoked the credential of .*: tokens issued from it no longer work\.$/);
    expect((await portal.call('GET', statusPath, { token: serverToken })).status).toBe(401);
    expect((await portal.call('POST', '/v1/auth/server-token', { body: { secret } })).status).toBe(401);
    expect(page.failures).toEqual([]);
    await page.close();
  });

  it('removes a server after a confirmation that says its sessions end, and they do', async () => {
    await startSession(newServerId, co.member.userId, 'PC-ON-NEW');
    const page = await kit.signedIn(co.admin);
    const asked = acceptDialogs(page);
    await page.evaluate(`location.hash = '#server/${newServerId}'`);
    await page.getByRole('heading', { name: NEW_HOST, level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Remove server' }).click();
    await page.getByRole('heading', { name: 'Servers', level: 1 }).waitFor();
    expect(asked).toEqual([
      `Remove ${NEW_HOST}? Its 1 live session ends at once, freeing its seat; its System seat is freed and its credentials stop working. This cannot be undone.`,
    ]);
    await expect
      .poll(() => notice(page))
      .toBe(
        `${NEW_HOST} removed: its 1 live session ended, its System seat is free and its credentials no longer work.`,
      );
    const rows = page.getByRole('table', { name: 'NEXUS servers' }).locator('tbody tr');
    await expect.poll(() => rows.allTextContents()).toEqual([expect.stringContaining(hq.hostName)]);
    expect(await sessionsOf(`userId=${co.member.userId}`)).toEqual([]);
    const serverA = await portal.call('GET', `/v1/licenses/${licenses.serverA.licenseId}`, {
      token: co.admin.token,
    });
    expect(serverA.body.used).toBe(1);
    expect(page.failures).toEqual([]);
    await page.close();
  });

  it('warns about a server that admits administrators only, saying what it means and what to do', async () => {
    const noCal = await portal.createAccount('No CAL Co');
    const serverLicense = await portal.issueLicense(noCal.accountId, 'Altium NEXUS Server', 1);
    const host = (
      await portal.call('POST', '/v1/servers', {
        token: noCal.admin.token,
        body: { hostName: 'nexus-lonely' },
      })
    ).body;
    await portal.call('POST', `/v1/servers/${host.serverId}/acquisitions`, {
      token: noCal.admin.token,
      body: { licenseIds: [serverLicense.licenseId] },
    });
    const page = await kit.signedIn(noCal.admin);
    await openTab(page, 'Servers');
    const banner = page.getByRole('region', { name: 'A server admits administrators only' });
    await expect.poll(() => banner.textContent()).toContain('your account has no valid CAL');
    await expect(banner.textContent()).resolves.toContain('What to do: Ask your license operator');
    await expect(page.getByRole('table', { name: 'NEXUS servers' }).textContent()).resolves.toContain(
      'Administrators only',
    );
    await checkPage(page, 'servers-admin-only');
    await page.close();
  });
});

describe('dashboard: sessions', () => {
  it('lists every live session a page at a time, filters by server, user and license by name, and kills one', async () => {
    for (let i = 1; i <= 26; i++)
      await startSession(hq.serverId, co.member.userId, `PC-${String(i).padStart(2, '0')}`);
    await startSession(hq.serverId, co.admin.userId, 'PC-ADMIN');
    const page = await kit.signedIn(co.admin);
    const asked = acceptDialogs(page);
    await openTab(page, 'Sessions');
    const rows = page.getByRole('table', { name: 'Live sessions' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(25);
    await expect(page.locator('.count').textContent()).resolves.toBe('25 sessions shown; there are more');
    const first = await rows.first().locator('td').allTextContents();
    expect(first.slice(1, 3)).toEqual([hq.hostName, label(licenses.cal)]);
    await checkPage(page, 'sessions');
    await page.getByRole('button', { name: 'Show more sessions' }).click();
    await expect.poll(() => rows.count()).toBe(27);
    await expect(page.getByRole('button', { name: 'Show more sessions' }).count()).resolves.toBe(0);

    // Filters by name: the user's email, the server's host name, the license's product and code.
    await page.getByLabel('User', { exact: true }).selectOption({ label: co.admin.email });
    await expect.poll(() => rows.count()).toBe(1);
    await expect(rows.locator('td').nth(3).textContent()).resolves.toBe('PC-ADMIN');
    await page.getByLabel('License', { exact: true }).selectOption({ label: label(licenses.serverA) });
    await expect.poll(() => page.getByText('No live session matches these filters.').count()).toBe(1);
    await checkPage(page, 'sessions-no-match');
    await page.getByRole('button', { name: 'Show all sessions' }).click();
    await expect.poll(() => rows.count()).toBe(25);
    await page.getByLabel('Server', { exact: true }).selectOption({ label: hq.hostName });
    await page.getByLabel('License', { exact: true }).selectOption({ label: label(licenses.cal) });
    await page.getByLabel('User', { exact: true }).selectOption({ label: co.admin.email });
    await expect.poll(() => rows.count()).toBe(1);

    await page.getByRole('button', { name: `Kill Session of ${co.admin.email} on PC-ADMIN` }).click();
    await expect.poll(() => page.getByText('No live session matches these filters.').count()).toBe(1);
    expect(asked).toEqual([
      `Kill the session of ${co.admin.email} on PC-ADMIN (server ${hq.hostName})? Their seat is freed at once.`,
    ]);
    await expect(notice(page)).resolves.toBe(
      `Session of ${co.admin.email} on PC-ADMIN ended; its seat of ${label(licenses.cal)} is free.`,
    );
    expect(await sessionsOf(`userId=${co.admin.userId}`)).toEqual([]);
    expect(page.failures).toEqual([]);
    await page.close();
  });
});

describe('dashboard: users', () => {
  it('searches, creates, edits, disables, enables and deletes a user, whose sessions disappear from Sessions', async () => {
    const page = await kit.signedIn(co.admin);
    const asked = acceptDialogs(page);
    await openTab(page, 'Users');
    const rows = page.getByRole('table', { name: 'Users' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    await checkPage(page, 'users');
    const memberPart = co.member.email.slice(5, 18);
    await page.getByLabel('Search by email').fill(memberPart.toUpperCase());
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => rows.allTextContents()).toEqual([expect.stringContaining(co.member.email)]);
    await page.getByLabel('Search by email').fill('nobody-here');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByText("No user's email contains “nobody-here”.").count()).toBe(1);
    await page.getByRole('button', { name: 'Show all users' }).click();
    await expect.poll(() => rows.count()).toBe(2);

    // The only administrator cannot stop being one: last_admin in words.
    await page.getByRole('button', { name: `Edit ${co.admin.email}` }).click();
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('user-name');
    await page.getByLabel('Administrator').uncheck();
    await page.getByRole('button', { name: 'Save user' }).click();
    await expect
      .poll(() => alertText(page))
      .toBe(
        `${co.admin.email} is the last enabled administrator of your account, and the account must keep one. Make another user an administrator first, then try again.`,
      );
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.evaluate('document.activeElement?.textContent')).resolves.toBe('Add user');

    // Create: the password rule before anything is sent, then the user; the same email again is taken.
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByLabel('Email', { exact: true }).fill(DANA.email);
    await page.getByLabel('Name (optional)').fill(DANA.name);
    await page.getByLabel('Password').fill('too-short');
    await page.getByLabel('Roles').fill('Designers, Reviewers, designers');
    await page.getByRole('button', { name: 'Create user' }).click();
    await expect.poll(() => alertText(page)).toBe('The password must have at least 12 characters.');
    await checkPage(page, 'users-form-error');
    await page.getByLabel('Password').fill('correct-horse-battery');
    await page.getByRole('button', { name: 'Create user' }).click();
    await expect
      .poll(() => notice(page))
      .toBe(
        `${DANA.name} (${DANA.email}) created, in Designers, Reviewers. They sign in with the password you set.`,
      );
    const dana = rows.filter({ hasText: DANA.email });
    await expect
      .poll(() => dana.locator('td').allTextContents())
      .toEqual([
        DANA.email,
        DANA.name,
        'Designers, Reviewers',
        'No',
        'Enabled',
        expect.any(String),
        'EditDisableDelete',
      ]);
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByLabel('Email', { exact: true }).fill(DANA.email.toUpperCase());
    await page.getByLabel('Password').fill('another-long-password');
    await page.getByRole('button', { name: 'Create user' }).click();
    await expect
      .poll(() => alertText(page))
      .toBe(
        `${DANA.email.toUpperCase()} already belongs to a user (of your account or another one); use another email address.`,
      );
    await page.getByRole('button', { name: 'Cancel' }).click();

    // Edit roles and administrator.
    await page.getByRole('button', { name: `Edit ${DANA.email}` }).click();
    await page.getByLabel('Roles').fill('Designers');
    await page.getByLabel('Administrator').check();
    await page.getByRole('button', { name: 'Save user' }).click();
    await expect
      .poll(() => notice(page))
      .toBe(
        `${DANA.email} saved: roles Designers; now an administrator. New roles apply from their next sign-in; seats they hold now stay until those sessions end.`,
      );
    await expect.poll(() => dana.locator('td').nth(3).textContent()).toBe('Yes');
    const danaId = (await portal.call('GET', `/v1/users?email=dana.reyes`, { token: co.admin.token })).body
      .users[0].userId;

    // Disabling ends Dana's session: the confirmation says so, and Sessions no longer lists it.
    await startSession(hq.serverId, danaId, 'PC-DANA');
    await openTab(page, 'Sessions');
    const sessionRows = page.getByRole('table', { name: 'Live sessions' }).locator('tbody tr');
    await page.getByLabel('User', { exact: true }).selectOption({ label: `${DANA.name} (${DANA.email})` });
    await expect.poll(() => sessionRows.allTextContents()).toEqual([expect.stringContaining('PC-DANA')]);
    await openTab(page, 'Users');
    await page.getByRole('button', { name: `Disable ${DANA.email}` }).click();
    await expect
      .poll(() => notice(page))
      .toBe(`${DANA.email} disabled: their 1 live session ended; they cannot sign in until enabled again.`);
    expect(asked.at(-1)).toBe(
      `Disable ${DANA.name} (${DANA.email})? They can no longer sign in, their tokens stop working, and their 1 live session ends at once, freeing its seat.`,
    );
    await expect.poll(() => dana.locator('td').nth(4).textContent()).toBe('Disabled');
    await checkPage(page, 'users-disabled');
    await openTab(page, 'Sessions');
    await expect.poll(() => sessionRows.count()).toBe(25);
    await page.getByRole('button', { name: 'Show more sessions' }).click();
    await expect.poll(() => sessionRows.count()).toBe(26);
    await expect(sessionRows.allTextContents()).resolves.not.toContainEqual(
      expect.stringContaining(DANA.email),
    );

    // Enabled again, signed in again, then deleted: the session ends with the user.
    await openTab(page, 'Users');
    await page.getByRole('button', { name: `Enable ${DANA.email}` }).click();
    await expect.poll(() => notice(page)).toBe(`${DANA.email} enabled: they can sign in again.`);
    await startSession(hq.serverId, danaId, 'PC-DANA-2');
    await page.getByRole('button', { name: `Delete ${DANA.email}` }).click();
    await expect.poll(() => notice(page)).toBe(`${DANA.email} deleted: their 1 live session ended.`);
    expect(asked.at(-1)).toBe(
      `Delete ${DANA.name} (${DANA.email})? Their 1 live session ends at once, freeing its seat; they can no longer sign in, and this cannot be undone.`,
    );
    await expect.poll(() => dana.count()).toBe(0);
    await openTab(page, 'Sessions');
    await expect.poll(() => page.locator('.count').textContent()).toBe('25 sessions shown; there are more');
    await page.getByRole('button', { name: 'Show more sessions' }).click();
    await expect.poll(() => sessionRows.count()).toBe(26);
    await expect(sessionRows.allTextContents()).resolves.not.toContainEqual(
      expect.stringContaining(DANA.email),
    );
    await expect(page.getByLabel('User', { exact: true }).textContent()).resolves.not.toContain(DANA.email);
    expect(await sessionsOf(`userId=${danaId}`)).toEqual([]);
    expect(page.failures).toEqual([]);
    await page.close();
  });

  it('shows a 403 in words to a user whose administrator role was taken away while signed in', async () => {
    const sam = await portal.createUser(co.accountId, { admin: true });
    const page = await kit.signedIn({ email: sam.email, password: 'correct-horse-battery' });
    const patched = await portal.call('PATCH', `/v1/users/${sam.userId}`, {
      token: co.admin.token,
      body: { admin: false },
    });
    expect(patched.status).toBe(200);
    await openTab(page, 'Users');
    await expect
      .poll(() => alertText(page))
      .toBe(
        'The users could not be loaded. Only an administrator of your account can do this; ask one of them.',
      );
    await checkPage(page, 'users-forbidden');
    await page.close();
  });
});

describe('dashboard: audit log', () => {
  it('lists the changes the tests made in words, filters by action and dates, and downloads the CSV', async () => {
    const page = await kit.signedIn(co.admin);
    await openTab(page, 'Audit', 'Audit log');
    const rows = page.getByRole('table', { name: 'Audit events' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(10);
    const actions = await rows.locator('td:nth-child(3)').allTextContents();
    for (const action of [
      'Server registered',
      'License acquired From cloud',
      'License imported From file',
      'Server credential created',
      'Server credential revoked',
      'Server removed',
      'Session killed',
      'User created',
      'User changed',
      'User deleted',
    ])
      expect(actions).toContain(action);
    const shown = await rows.count();
    const all = await rows.allTextContents();
    // Names, not ids, in every row.
    expect(all.join('\n')).not.toMatch(/\b(usr|srv|lic|ses|crd)_[a-z2-7]{20}\b/);
    await checkPage(page, 'audit');

    await page.getByLabel('Action').selectOption({ label: 'User deleted' });
    await page.getByRole('button', { name: 'Show events' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    await expect(rows.locator('td').allTextContents()).resolves.toEqual([
      expect.stringMatching(/ UTC$/),
      co.admin.email,
      'User deleted',
      DANA.email,
      '—',
    ]);
    await page.getByLabel('Action').selectOption({ label: 'User changed' });
    await page.getByRole('button', { name: 'Show events' }).click();
    await expect
      .poll(() => rows.locator('td:nth-child(5)').allTextContents())
      .toContain('Administrator: no → yes; Roles: Designers, Reviewers → Designers');
    await checkPage(page, 'audit-filtered');

    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('From (UTC)').fill(tomorrow);
    await page.getByLabel('To (UTC)').fill(today);
    await page.getByRole('button', { name: 'Show events' }).click();
    await expect
      .poll(() => alertText(page))
      .toBe('From is after To; choose a From day on or before the To day.');
    await page.getByLabel('To (UTC)').fill(tomorrow);
    await page.getByRole('button', { name: 'Show events' }).click();
    await expect.poll(() => page.getByText('No event matches these filters').count()).toBe(1);
    await page.getByLabel('From (UTC)').fill(today);
    await page.getByLabel('Action').selectOption({ label: 'All actions' });
    await page.getByRole('button', { name: 'Show events' }).click();
    await expect.poll(() => rows.count()).toBe(shown);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`audit-${today}-to-${tomorrow}.csv`);
    const csv = (await readFile(await download.path(), 'utf8')).trimEnd().split('\r\n');
    expect(csv[0]).toBe('eventId,at,actorType,actorId,action,targetId,details');
    expect(csv).toHaveLength(shown + 1);
    expect(csv.find((line) => line.includes(',user.deleted,'))).toContain(DANA.email);
    expect(page.failures).toEqual([]);
    await page.close();
  });
});

describe('dashboard: administration pages at 390 px', () => {
  it('shows every new page and its forms without sideways scrolling and axe-clean', async () => {
    const page: Watched = await kit.signedIn(co.admin, 390);
    const pages = [
      ['servers', '#servers', 'Servers'],
      ['server', `#server/${hq.serverId}`, hq.hostName],
      ['sessions', '#sessions', 'Sessions'],
      ['users', '#users', 'Users'],
      ['audit', '#audit', 'Audit log'],
    ] as const;
    for (const [name, hash, heading] of pages) {
      await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await expect.poll(() => page.locator('.loading').count()).toBe(0);
      await checkPage(page, name);
      if (name === 'server') {
        await page.getByRole('button', { name: 'From cloud' }).click();
        await page.getByRole('dialog').locator('tbody tr').first().waitFor();
        await checkPage(page, 'server-from-cloud');
        await page.getByRole('button', { name: 'Cancel' }).click();
        await page.getByRole('button', { name: 'Create credential' }).click();
        await page.getByLabel('Secret', { exact: true }).waitFor();
        await checkPage(page, 'server-credential-secret');
      }
      if (name === 'users') {
        await page.getByRole('button', { name: 'Add user' }).click();
        await page.getByRole('button', { name: 'Create user' }).click();
        await page.getByRole('alert').waitFor();
        await checkPage(page, 'users-form-error');
      }
    }
    // The tabs wrap rather than scroll: every tab is on screen.
    const tabs = page.getByRole('navigation', { name: 'Dashboard sections' }).getByRole('link');
    await expect(tabs.count()).resolves.toBe(8);
    for (const box of await tabs.evaluateAll((links) =>
      links.map((link) => link.getBoundingClientRect().right),
    ))
      expect(box).toBeLessThanOrEqual(390);
    expect(page.failures).toEqual([]);
    await page.close();
  });
});
