// The dashboard in a real browser (Debian Chromium via playwright-core) against the portal on DynamoDB Local: a
// test per flow, axe-core on every page and state, every page at 390 px without sideways scrolling, and a
// screenshot of each page in test-artifacts/dashboard/ (gitignored).
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAlf } from '../../domain/alf.js';
import {
  type BrowserKit,
  checkPage,
  type Person,
  scrollsSideways,
  signInOn,
  startBrowser,
} from '../support/browser.js';
import { startTestPortal, type TestAccount, type TestPortal } from '../support/portal.js';

const DAY_MS = 86_400_000;

let portal: TestPortal;
let acme: TestAccount;
let kit: BrowserKit;
const licenses: Record<'server' | 'server2' | 'cal' | 'client' | 'expired' | 'ending', any> = {} as any;
let server: { serverId: string; hostName: string };

const label = (license: any) => `${license.product} ${license.activationCode}`;

beforeAll(async () => {
  portal = await startTestPortal();
  acme = await portal.createAccount('Acme Dashboard');
  const id = acme.accountId;
  licenses.server = await portal.issueLicense(id, 'Altium NEXUS Server', 2);
  licenses.server2 = await portal.issueLicense(id, 'Altium NEXUS Server', 1, {
    validFrom: new Date(Date.now() - 40 * DAY_MS).toISOString(),
  });
  licenses.cal = await portal.issueLicense(id, 'Altium NEXUS Server CAL', 10);
  licenses.client = await portal.issueLicense(id, 'Altium NEXUS', 5);
  licenses.expired = await portal.issueLicense(id, 'Altium NEXUS Server', 1, {
    validFrom: '2020-01-01T00:00:00Z',
    termMonths: 12,
  });
  // Ends in about ten days: the Licenses page warns about it.
  licenses.ending = await portal.issueLicense(id, 'Altium NEXUS Server CAL', 3, {
    validFrom: new Date(Date.now() - 355 * DAY_MS).toISOString(),
    termMonths: 12,
  });
  // A NEXUS server holding the first Server license and the CAL, with the member signed in through it.
  const token = acme.admin.token;
  const created = await portal.call('POST', '/v1/servers', {
    token,
    body: { hostName: 'nexus-e2e.acme.local' },
  });
  server = created.body;
  const acquired = await portal.call('POST', `/v1/servers/${server.serverId}/acquisitions`, {
    token,
    body: { licenseIds: [licenses.server.licenseId, licenses.cal.licenseId] },
  });
  expect(acquired.status).toBe(201);
  kit = await startBrowser(portal.url);
});

afterAll(async () => {
  await kit?.close();
  await portal?.stop();
});

const newPage = (width?: number) => kit.newPage(width);
const signedIn = (user: Person, width?: number) => kit.signedIn(user, width);

const rowsOf = (page: Page, group: string) =>
  page.getByRole('region', { name: group, exact: true }).locator('tbody tr');

async function openLicense(page: Page, license: any) {
  await page.getByRole('link', { name: label(license), exact: true }).click();
  await page.getByRole('heading', { name: label(license), level: 1 }).waitFor();
}

describe('dashboard: signing in and out', () => {
  it('signs in, signs out with a neutral notice, and shows no stale notice after signing in again', async () => {
    const page = await newPage();
    await page.goto(portal.url);
    await checkPage(page, 'sign-in');
    await page.getByLabel('Email').fill(acme.admin.email);
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const answer = await portal.call('POST', '/v1/auth/token', {
      body: { username: acme.admin.email, password: 'wrong-password' },
    });
    await expect.poll(() => page.getByRole('alert').textContent()).toBe(answer.body.error.message);
    await checkPage(page, 'sign-in-error');

    await page.getByLabel('Password').fill(acme.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Licenses', level: 1 }).waitFor();
    await expect(page.locator('.who-role').textContent()).resolves.toBe('Administrator');
    await page.getByRole('button', { name: 'Sign out' }).click();
    const notice = page.locator('.notice');
    await expect.poll(() => notice.textContent()).toBe('You are signed out.');
    // Information, not a success: not the green style.
    await expect(notice.getAttribute('class')).resolves.toContain('notice-info');
    await expect(page.evaluate('sessionStorage.length')).resolves.toBe(0);
    await checkPage(page, 'signed-out');

    await signInOn(page, acme.admin);
    await expect(notice.count()).resolves.toBe(0);
    await expect(page.getByText('You are signed out.').count()).resolves.toBe(0);

    // A token that stops working (revoked, expired) signs the page out with a warning, gone after the next sign-in.
    const licenseList = (url: URL) => url.pathname === '/v1/licenses';
    await page.route(licenseList, (route) =>
      route.fulfill({
        status: 401,
        json: {
          error: { code: 'unauthorized', message: 'Sign in first: send authorization: Bearer <token>.' },
        },
      }),
    );
    await page.getByRole('link', { name: 'Roles' }).click();
    await expect.poll(() => notice.textContent()).toBe('Your sign-in has ended; please sign in again.');
    await expect(notice.getAttribute('class')).resolves.toContain('notice-warning');
    await page.unroute(licenseList);
    await signInOn(page, acme.admin);
    await expect(page.getByText('Your sign-in has ended').count()).resolves.toBe(0);
    expect(page.failures).toEqual([]);
    await page.close();
  });

  it('shows a member the licenses and their pages without the administrators’ tabs and actions', async () => {
    const page = await signedIn(acme.member);
    await expect(page.locator('.who-role').textContent()).resolves.toBe('Member');
    const tabs = page.getByRole('navigation', { name: 'Dashboard sections' }).getByRole('link');
    await expect(tabs.allTextContents()).resolves.toEqual(['Licenses']);
    await openLicense(page, licenses.cal);
    await expect(page.getByRole('button', { name: 'Activate' }).count()).resolves.toBe(0);
    await expect(page.getByRole('heading', { name: 'Sessions' }).count()).resolves.toBe(0);
    // An administrator's page asked for by hash shows the licenses instead.
    await page.evaluate("location.hash = '#settings'");
    await page.getByRole('heading', { name: 'Licenses', level: 1 }).waitFor();
    await checkPage(page, 'member-licenses');
    await page.close();
  });
});

describe('dashboard: licenses', () => {
  it('groups the licenses as the seed does, sorts, searches, filters and warns about ending licenses', async () => {
    const page = await signedIn(acme.admin);
    const serverGroup = rowsOf(page, 'ALTIUM NEXUS SERVER');
    await expect.poll(() => serverGroup.count()).toBe(5);
    await expect(rowsOf(page, 'ALTIUM NEXUS').count()).resolves.toBe(1);
    await checkPage(page, 'licenses');

    // The two valid Server licenses differ by more than their code, and Used says whose seat it is.
    const first = serverGroup.filter({ hasText: licenses.server.activationCode });
    const second = serverGroup.filter({ hasText: licenses.server2.activationCode });
    await expect(first.textContent()).resolves.toContain('System seat of 1 NEXUS server');
    await expect(second.textContent()).resolves.toContain('No NEXUS server holds it yet');
    await expect(second.textContent()).resolves.toContain(licenses.server2.validFrom.slice(0, 10));
    await expect(first.textContent()).resolves.toContain('365 days left');

    // Notices: the ending CAL by name with how to renew, and the ended Server license.
    const ending = page.getByRole('region', { name: 'A license ends within 30 days' });
    await expect(ending.textContent()).resolves.toContain(`${label(licenses.ending)} ends in`);
    await expect(ending.textContent()).resolves.toContain('ask your license operator');
    const ended = page.getByRole('region', { name: 'A license has ended' });
    await expect(ended.textContent()).resolves.toContain(`${label(licenses.expired)} ended on 2021-01-01`);

    // Sort by Seats, then the other way.
    const sortBySeats = page
      .getByRole('region', { name: 'ALTIUM NEXUS SERVER' })
      .getByRole('button', { name: 'Sort by Seats' });
    await sortBySeats.click();
    const seats = () =>
      serverGroup.evaluateAll((rows) => rows.map((row) => row.querySelectorAll('td')[1]?.textContent));
    await expect.poll(seats).toEqual(['1', '1', '2', '3', '10']);
    await sortBySeats.click();
    await expect.poll(seats).toEqual(['10', '3', '2', '1', '1']);
    await expect(
      page.getByRole('columnheader', { name: 'Sort by Seats' }).first().getAttribute('aria-sort'),
    ).resolves.toBe('descending');

    // Search and filter.
    await page.getByLabel('Search').fill('cal');
    await expect.poll(() => serverGroup.count()).toBe(2);
    await expect(rowsOf(page, 'ALTIUM NEXUS').count()).resolves.toBe(0);
    await page.getByLabel('Search').fill(licenses.client.activationCode.slice(3, 12));
    await expect.poll(() => rowsOf(page, 'ALTIUM NEXUS').count()).toBe(1);
    await page.getByLabel('Search').fill('server');
    await expect.poll(() => serverGroup.count()).toBe(5);
    await page.getByLabel('Show valid only').check();
    await expect.poll(() => serverGroup.count()).toBe(4);
    await expect(serverGroup.allTextContents()).resolves.not.toContainEqual(
      expect.stringContaining(licenses.expired.activationCode),
    );
    await page.getByLabel('Search').fill('nothing like this');
    await expect.poll(() => page.getByText('No license matches').count()).toBe(1);
    await checkPage(page, 'licenses-no-match');
    await page.getByRole('button', { name: 'Show all licenses' }).click();
    await expect.poll(() => serverGroup.count()).toBe(5);
    expect(page.failures).toEqual([]);
    await page.close();
  });

  it('keeps keyboard users in the tabs, moves focus to the new heading after a link, and has a skip link', async () => {
    const page = await signedIn(acme.admin);
    // From the top of a freshly loaded page, the first Tab reaches the skip link.
    await page.reload();
    await page.getByRole('heading', { name: 'Licenses', level: 1 }).waitFor();
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement?.textContent')).resolves.toBe('Skip to content');
    // Tab past the top bar to the tabs; Enter on Roles keeps focus there, and Tab goes on to Reports.
    const roles = page.getByRole('link', { name: 'Roles' });
    await roles.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Roles', level: 1 }).waitFor();
    await expect(roles.evaluate((link) => link === (link.ownerDocument as any).activeElement)).resolves.toBe(
      true,
    );
    await expect(roles.getAttribute('aria-current')).resolves.toBe('page');
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement?.textContent')).resolves.toBe('Reports');

    await page.getByRole('link', { name: 'Licenses' }).click();
    const link = page.getByRole('link', { name: label(licenses.cal), exact: true });
    await link.focus();
    await page.keyboard.press('Enter');
    const heading = page.getByRole('heading', { name: label(licenses.cal), level: 1 });
    await heading.waitFor();
    await expect(page.evaluate('document.activeElement?.tagName')).resolves.toBe('H1');
    await expect(page.title()).resolves.toContain(label(licenses.cal));

    // The skip link moves focus to the heading without leaving the page.
    await page.getByRole('link', { name: 'Skip to content' }).focus();
    await page.keyboard.press('Enter');
    await expect(page.evaluate('document.activeElement?.tagName')).resolves.toBe('H1');
    await expect(page.evaluate('location.hash')).resolves.toBe(`#license/${licenses.cal.licenseId}`);
    await page.close();
  });
});

describe('dashboard: a license’s page', () => {
  it('activates a Server license and downloads an .alf that verifies; the next license starts with an empty form', async () => {
    const page = await signedIn(acme.admin);
    await openLicense(page, licenses.server);
    await expect(page.locator('.facts').textContent()).resolves.toContain('System seat of 1 NEXUS server');
    await expect(page.getByText('internal System user').count()).resolves.toBe(1);
    await page.getByLabel('Host ID').fill('HOST-7F3A-22');
    await page.getByLabel('Host name').fill('nexus-01.acme.local');
    await page.getByRole('button', { name: 'Activate' }).click();
    const fileName = `Altium Nexus Server License ${licenses.server.activationCode} R10 Primary.alf`;
    await page.getByText(fileName).waitFor();
    await checkPage(page, 'license-server-activated');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: `Download .alf ${fileName}` }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(fileName);
    const bytes = await readFile(await download.path());
    // The same check as `npm run alf -- verify`: the file and the published keys, offline.
    const keys = (await portal.call('GET', '/v1/keys')).body.keys;
    const verdict = verifyAlf(bytes, keys);
    expect(verdict.valid).toBe(true);
    expect(verdict.valid && verdict.grant.hostId).toBe('HOST-7F3A-22');

    // Another license's page does not carry the Host ID, host name or file over.
    await page.getByRole('link', { name: '← All licenses' }).click();
    await openLicense(page, licenses.server2);
    await expect(page.getByLabel('Host ID').inputValue()).resolves.toBe('');
    await expect(page.getByLabel('Host name').inputValue()).resolves.toBe('');
    await expect(page.getByText(fileName).count()).resolves.toBe(0);
    expect(page.failures).toEqual([]);
    await page.close();
  });

  it('retries an activation whose answer was lost with the same idempotency key, and names an ended license', async () => {
    const page = await signedIn(acme.admin);
    await openLicense(page, licenses.cal);
    const keys: string[] = [];
    let lost: any = null;
    await page.route('**/activations', async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (lost) return route.continue();
      // The portal makes the activation, but the answer never reaches the page.
      lost = await (await route.fetch()).json();
      await route.abort('connectionreset');
    });
    await page.getByLabel('Host ID').fill('HOST-FLAKY-NET');
    await page.getByRole('button', { name: 'Activate' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('The portal cannot be reached; check your connection and try again.');
    await page.getByRole('button', { name: 'Activate' }).click();
    await page.getByText(lost.fileName).waitFor();
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);

    await page.getByRole('link', { name: '← All licenses' }).click();
    await openLicense(page, licenses.expired);
    await page.getByLabel('Host ID').fill('HOST-OLD');
    await page.getByRole('button', { name: 'Activate' }).click();
    const alert = page.getByRole('alert');
    await expect
      .poll(() => alert.textContent())
      .toContain(`${label(licenses.expired)} has ended (on 2021-01-01), so it cannot be activated.`);
    await expect(alert.textContent()).resolves.not.toMatch(/lic_/);
    await checkPage(page, 'license-expired-error');
    await page.close();
  });

  it('lists who holds the CAL’s seats by email and server, and Kill Session frees the seat', async () => {
    const signIn = await portal.call('POST', `/v1/servers/${server.serverId}/sessions`, {
      token: acme.admin.token,
      body: {
        userId: acme.member.userId,
        machineId: 'PC-DESIGN-42',
        client: 'browser',
        licenseId: licenses.cal.licenseId,
      },
    });
    expect(signIn.status).toBe(201);
    const page = await signedIn(acme.admin);
    page.on('dialog', (dialog) => dialog.accept());
    await openLicense(page, licenses.cal);
    const sessions = page.getByRole('table', { name: `Sessions of ${label(licenses.cal)}` });
    const row = sessions.locator('tbody tr');
    await expect.poll(() => row.count()).toBe(1);
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 4)).toEqual([acme.member.email, 'nexus-e2e.acme.local', 'PC-DESIGN-42', 'Browser']);
    expect(cells[4]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    await checkPage(page, 'license-cal-sessions');

    await page.getByRole('button', { name: `Kill Session of ${acme.member.email} on PC-DESIGN-42` }).click();
    await expect.poll(() => row.count()).toBe(0);
    await expect
      .poll(() => page.locator('.notice').textContent())
      .toBe(`Session of ${acme.member.email} on PC-DESIGN-42 ended; its seat is free.`);
    await expect.poll(() => page.locator('.facts').textContent()).toContain('Used0');
    const after = await portal.call('GET', `/v1/licenses/${licenses.cal.licenseId}`, {
      token: acme.admin.token,
    });
    expect(after.body.used).toBe(0);
    expect(page.failures).toEqual([]);
    await page.close();
  });

  it('adds, edits and deletes assignments, with messages that name the license and the labels', async () => {
    const page = await signedIn(acme.admin);
    page.on('dialog', (dialog) => dialog.accept());
    await openLicense(page, licenses.cal);
    const table = page.getByRole('table', { name: `Assignments of ${label(licenses.cal)}` });
    const rows = table.locator('tbody tr');
    // A new CAL gets the All Users assignment (the setting is on by default).
    await expect.poll(() => rows.allTextContents()).toEqual([expect.stringContaining('All Users')]);

    await page.getByRole('button', { name: 'Add assignment' }).click();
    await expect(page.evaluate('document.activeElement?.id')).resolves.toBe('assignment-role');
    await page.getByLabel('Assign to role').fill('Designers');
    await page.getByLabel('Number of seats').fill('4');
    await page.getByLabel('Allow Roaming').check();
    await page.getByRole('button', { name: 'Save assignment' }).click();
    const designers = rows.filter({ hasText: 'Designers' });
    await expect
      .poll(() => designers.locator('td').allTextContents())
      .toEqual(['Designers', '4', '0', 'Yes', 'Yes', 'EditDelete']);
    await expect(page.locator('.notice').textContent()).resolves.toBe(
      `Assignment of Designers on ${label(licenses.cal)} added: 4 seats.`,
    );

    // Seven more numbered seats would overcommit the ten: the message names the license and the labels.
    await page.getByRole('button', { name: 'Add assignment' }).click();
    await page.getByLabel('Assign to role').fill('Reviewers');
    await page.getByLabel('Number of seats').fill('7');
    await page.getByRole('button', { name: 'Save assignment' }).click();
    const formError = page.getByRole('alert');
    await expect
      .poll(() => formError.textContent())
      .toBe(
        `The Seats counts of ${label(licenses.cal)}'s assignments would add up to more than its 10 seats. Lower a Seats count, or choose "All available seats", which takes only seats still free.`,
      );
    await checkPage(page, 'license-cal-assignment-error');
    await page.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('button', { name: 'Edit assignment of Designers' }).click();
    await page.getByLabel('All available seats').check();
    await page.getByLabel('Automatic leasing').uncheck();
    await page.getByRole('button', { name: 'Save assignment' }).click();
    await expect
      .poll(() => designers.locator('td').allTextContents())
      .toEqual(['Designers', 'All available seats', '0', 'No', 'Yes', 'EditDelete']);

    await page.getByRole('button', { name: 'Delete assignment of Designers' }).click();
    await expect.poll(() => designers.count()).toBe(0);
    const listed = await portal.call('GET', `/v1/licenses/${licenses.cal.licenseId}/assignments`, {
      token: acme.admin.token,
    });
    expect(listed.body.assignments.map((a: any) => a.role)).toEqual(['All Users']);
    expect(page.failures).toEqual([]);
    await page.close();
  });
});

describe('dashboard: roles, reports and settings', () => {
  it('shows seats, used and available per role and per license', async () => {
    const page = await signedIn(acme.admin);
    await page.getByRole('link', { name: 'Roles' }).click();
    const totals = page.getByRole('table', { name: 'Seats per role' }).locator('tbody tr');
    await expect
      .poll(() => totals.locator('td').allTextContents())
      .toEqual(['All Users', 'All available seats', '0', '18']);
    // The All Users assignments of the two CALs and the design software: 10, 3 and 5 seats free.
    const perLicense = page.getByRole('table', { name: 'All Users: seats per license' }).locator('tbody tr');
    await expect(perLicense.count()).resolves.toBe(3);
    await expect(
      perLicense
        .filter({ hasText: label(licenses.ending) })
        .locator('td')
        .allTextContents(),
    ).resolves.toEqual([label(licenses.ending), 'All available seats', '0', '3']);
    await checkPage(page, 'roles');
    await page.close();
  });

  it('charts peak sessions against seats with a denied sign-in marked, lists only days the license existed, and downloads the CSV', async () => {
    // Its own account: a one-seat CAL issued three days ago; the administrator takes the seat, the member is refused.
    const co = await portal.createAccount('Reports Co');
    const validFrom = new Date(Date.now() - 3 * DAY_MS).toISOString();
    const serverLicense = await portal.issueLicense(co.accountId, 'Altium NEXUS Server', 1);
    const cal = await portal.issueLicense(co.accountId, 'Altium NEXUS Server CAL', 1, { validFrom });
    const token = co.admin.token;
    const host = (await portal.call('POST', '/v1/servers', { token, body: { hostName: 'nexus-reports' } }))
      .body;
    await portal.call('POST', `/v1/servers/${host.serverId}/acquisitions`, {
      token,
      body: { licenseIds: [serverLicense.licenseId, cal.licenseId] },
    });
    const taken = await portal.call('POST', `/v1/servers/${host.serverId}/sessions`, {
      token,
      body: { userId: co.admin.userId, machineId: 'PC-A', client: 'browser' },
    });
    expect(taken.status).toBe(201);
    const refused = await portal.call('POST', `/v1/servers/${host.serverId}/sessions`, {
      token,
      body: { userId: co.member.userId, machineId: 'PC-M', client: 'browser' },
    });
    expect(refused.status).toBe(409);

    const page = await signedIn(co.admin);
    await page.getByRole('link', { name: 'Reports' }).click();
    // The page opens on the last seven UTC days by day and runs the report.
    const chart = page.getByRole('img', { name: new RegExp(`^${label(cal)}: at most`) });
    await chart.waitFor();
    await expect(chart.getAttribute('aria-label')).resolves.toBe(
      `${label(cal)}: at most 1 session at once against 1 seat; 1 denied sign-in marked.`,
    );
    await expect(chart.locator('canvas').count()).resolves.toBe(1);
    const table = page.getByRole('table', { name: /^Usage rows/ });
    const rows = table.locator('tbody tr');
    // Seven days asked for, but the license existed on four of them only.
    await expect.poll(() => rows.count()).toBe(4);
    const starts = await rows.locator('td:first-child').allTextContents();
    expect(starts[0]).toBe(`${validFrom.slice(0, 10)} 00:00 UTC`);
    const today = rows.filter({ hasText: `${new Date().toISOString().slice(0, 10)} 00:00 UTC` });
    await expect(today.locator('td').allTextContents()).resolves.toEqual([
      expect.any(String),
      label(cal),
      '1',
      '1',
      '1',
      '1',
      expect.stringMatching(/^\d+\.\d\d$/),
    ]);
    await checkPage(page, 'reports');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^usage-day-\d{4}-\d\d-\d\d-to-\d{4}-\d\d-\d\d\.csv$/);
    const csv = (await readFile(await download.path(), 'utf8')).trimEnd().split('\r\n');
    expect(csv[0]).toBe('start,licenseId,peakSessions,sessionsStarted,denied,seatHours');
    expect(csv).toHaveLength(5);
    expect(csv.every((line, i) => i === 0 || line.includes(cal.licenseId))).toBe(true);

    // By hour: a range too long for hours says which control to change; one day gives its 24 hours.
    await page.getByLabel('Interval').selectOption('hour');
    await page.getByLabel('From (UTC)').fill(new Date(Date.now() - 40 * DAY_MS).toISOString().slice(0, 10));
    await page.getByRole('button', { name: 'Run report' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('A report by hour covers at most 31 days; shorten the range or choose Day.');
    await page.getByLabel('From (UTC)').fill(new Date().toISOString().slice(0, 10));
    await page.getByRole('button', { name: 'Run report' }).click();
    await expect.poll(() => rows.count()).toBe(24);
    expect(page.failures).toEqual([]);
    await page.close();
  });

  it('saves the All Users assignment and the session timeout', async () => {
    const page = await signedIn(acme.admin);
    await page.getByRole('link', { name: 'Settings' }).click();
    const box = page.getByLabel('Automatically create assignment for All Users');
    await expect.poll(() => box.isChecked()).toBe(true);
    await expect(page.getByLabel('Session timeout (minutes)').inputValue()).resolves.toBe('10');
    await page.getByLabel('Session timeout (minutes)').fill('0');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('Session timeout must be a whole number of minutes from 1 to 1440 (a day).');
    await box.uncheck();
    await page.getByLabel('Session timeout (minutes)').fill('25');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect
      .poll(() => page.locator('.notice').textContent())
      .toBe(
        'Settings saved: new CALs do not get an All Users assignment; a session ends 25 minutes after its last heartbeat.',
      );
    await checkPage(page, 'settings-saved');
    const saved = await portal.call('GET', '/v1/settings/license-manager', { token: acme.admin.token });
    expect(saved.body).toEqual({ autoAssignAllUsers: false, sessionTimeoutMinutes: 25 });
    await page.reload();
    await expect.poll(() => page.getByLabel('Session timeout (minutes)').inputValue()).toBe('25');
    await expect(page.getByLabel('Automatically create assignment for All Users').isChecked()).resolves.toBe(
      false,
    );
    await page.close();
  });
});

describe('dashboard: at 390 px', () => {
  it('shows every page without sideways scrolling and axe-clean', async () => {
    const page = await newPage(390);
    await page.goto(portal.url);
    await checkPage(page, 'sign-in');
    await signInOn(page, acme.admin);
    await checkPage(page, 'licenses');
    const pages = [
      ['license-cal', `#license/${licenses.cal.licenseId}`, label(licenses.cal)],
      ['license-server', `#license/${licenses.server.licenseId}`, label(licenses.server)],
      ['roles', '#roles', 'Roles'],
      ['reports', '#reports', 'Reports'],
      ['settings', '#settings', 'Settings'],
    ] as const;
    for (const [name, hash, heading] of pages) {
      await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await expect.poll(() => page.locator('.loading').count()).toBe(0);
      await checkPage(page, name);
    }
    // The Reports page with its chart (the page that used to be 449 px wide).
    await page.evaluate("location.hash = '#reports'");
    await page.locator('.chart canvas').first().waitFor();
    expect(await scrollsSideways(page)).toBe(false);
    expect(page.failures).toEqual([]);
    await page.close();
  });
});

describe('dashboard: where it signs in', () => {
  it('signs in locally through POST /v1/auth/token: /config.json is absent and nothing leaves the origin', async () => {
    const page = await kit.context.newPage();
    const seen: { method: string; url: string }[] = [];
    page.on('request', (request) => seen.push({ method: request.method(), url: request.url() }));
    const config = page.waitForResponse((response) => response.url() === `${portal.url}/config.json`);
    await page.goto(portal.url);
    expect((await config).status()).toBe(404);
    await signInOn(page, acme.admin);
    expect(seen).toContainEqual({ method: 'POST', url: `${portal.url}/v1/auth/token` });
    expect(seen.filter(({ url }) => !url.startsWith(portal.url))).toEqual([]);
    await page.close();
  });

  it('signs in with Cognito when /config.json names a user pool client, and sends the ID token to the API', async () => {
    const page = await kit.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const seen: string[] = [];
    page.on('request', (request) => seen.push(`${request.method()} ${request.url()}`));
    // As deployed: CloudFront serves config.json; Cognito is played here (the network is closed).
    await page.route(`${portal.url}/config.json`, (route) =>
      route.fulfill({ json: { region: 'eu-west-1', userPoolClientId: '1example23456789' } }),
    );
    const cognitoCalls: { headers: Record<string, string>; body: any }[] = [];
    await page.route('https://cognito-idp.eu-west-1.amazonaws.com/', async (route) => {
      const request = route.request();
      const body = request.postDataJSON();
      cognitoCalls.push({ headers: request.headers(), body });
      const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*' };
      if (request.method() === 'OPTIONS') return route.fulfill({ status: 200, headers: cors });
      if (body.AuthParameters.PASSWORD !== acme.admin.password) {
        return route.fulfill({
          status: 400,
          headers: cors,
          json: { __type: 'NotAuthorizedException', message: 'Incorrect username or password.' },
        });
      }
      // The local runtime's token stands in for Cognito's ID token: the local API accepts it.
      return route.fulfill({
        headers: cors,
        json: { AuthenticationResult: { IdToken: acme.admin.token, AccessToken: 'not-for-the-api' } },
      });
    });
    await page.goto(portal.url);
    await page.getByLabel('Email').fill(acme.admin.email);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Incorrect email or password.');

    await signInOn(page, acme.admin);
    await expect.poll(() => rowsOf(page, 'ALTIUM NEXUS SERVER').count()).toBe(5);

    const initiate = cognitoCalls.filter((call) => call.body).at(-1);
    expect(initiate?.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(initiate?.headers['x-amz-target']).toBe('AWSCognitoIdentityProviderService.InitiateAuth');
    expect(initiate?.body).toEqual({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: '1example23456789',
      AuthParameters: { USERNAME: acme.admin.email, PASSWORD: acme.admin.password },
    });
    expect(seen).not.toContain(`POST ${portal.url}/v1/auth/token`);
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.getItem('portal.token'))).toBe(
      acme.admin.token,
    );
    expect(errors).toEqual([]);
    await page.close();
  });
});
