// The dashboard in a real browser (Debian Chromium via playwright-core) against the portal on DynamoDB Local.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPortal, type TestAccount, type TestPortal } from '../support/portal.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let portal: TestPortal;
let acme: TestAccount;
let browser: BrowserContext;
let profileDir: string;
const licenses: Record<'server' | 'cal' | 'client' | 'expired', any> = {} as any;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: npm test installs it (bash scripts/install-system-deps.sh test); never npx playwright install.`,
    );
  }
  portal = await startTestPortal();
  acme = await portal.createAccount('Acme Dashboard');
  licenses.server = await portal.issueLicense(acme.accountId, 'Altium NEXUS Server', 2);
  licenses.cal = await portal.issueLicense(acme.accountId, 'Altium NEXUS Server CAL', 10);
  licenses.client = await portal.issueLicense(acme.accountId, 'Altium NEXUS', 5);
  licenses.expired = await portal.issueLicense(acme.accountId, 'Altium NEXUS Server', 1, {
    validFrom: '2020-01-01T00:00:00Z',
    termMonths: 12,
  });
  profileDir = await mkdtemp(join(tmpdir(), 'dashboard-e2e-'));
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 860 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  browser.setDefaultTimeout(10_000);
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  if (profileDir) await rm(profileDir, { recursive: true, force: true });
});

/** A fresh tab (its own sessionStorage, so signed out), signed in as the given user. */
async function signedIn(user: { email: string; password: string }): Promise<Page> {
  const page = await browser.newPage();
  const failures: string[] = [];
  // Nothing may leave the origin: the network is closed and the dashboard uses no CDN.
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(portal.url) && !url.startsWith('blob:') && !url.startsWith('data:'))
      failures.push(url);
  });
  page.on('pageerror', (error) => failures.push(`page error: ${error.message}`));
  (page as any).failures = failures;
  await page.goto(portal.url);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Licenses', level: 1 }).waitFor();
  return page;
}

const licenseRows = (page: Page) => page.locator('#licenses-table tbody tr');

async function openLicense(page: Page, license: any) {
  await page.getByRole('link', { name: `Open ${license.product} ${license.activationCode}` }).click();
  await page.getByRole('heading', { name: `${license.product} ${license.activationCode}` }).waitFor();
}

describe('dashboard: licenses', () => {
  it('signs an administrator in, lists the licenses, filters them and signs out', async () => {
    const page = await signedIn(acme.admin);
    await expect.poll(() => licenseRows(page).count()).toBe(4);
    await expect(page.locator('#who-role').textContent()).resolves.toBe('Administrator');
    await expect(page.locator('#who-email').textContent()).resolves.toBe(acme.admin.email);
    const calRow = licenseRows(page).filter({ hasText: licenses.cal.activationCode });
    await expect(calRow.locator('td').allTextContents()).resolves.toEqual([
      'Altium NEXUS Server CAL',
      'CAL (connections)',
      '10',
      '0',
      'Valid',
      licenses.cal.validUntil.slice(0, 10),
      licenses.cal.activationCode,
      'Open',
    ]);
    await expect(
      licenseRows(page).filter({ hasText: licenses.expired.activationCode }).textContent(),
    ).resolves.toContain('Expired');

    await page.getByLabel('Product Name').fill('cal');
    await page.getByRole('button', { name: 'Apply filter' }).click();
    await expect.poll(() => licenseRows(page).count()).toBe(1);
    await expect(licenseRows(page).first().textContent()).resolves.toContain(licenses.cal.activationCode);

    await page.getByLabel('Product Name').fill('server');
    await page.getByRole('button', { name: 'Apply filter' }).click();
    await expect.poll(() => licenseRows(page).count()).toBe(3);
    await page.getByLabel('Show valid only').check();
    await expect.poll(() => licenseRows(page).count()).toBe(2);
    await expect(licenseRows(page).allTextContents()).resolves.not.toContain(
      expect.stringContaining(licenses.expired.activationCode),
    );

    await page.screenshot({ path: join(tmpdir(), 'dashboard-licenses.png'), fullPage: true });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expect(page.evaluate('sessionStorage.length')).resolves.toBe(0);
    expect((page as any).failures).toEqual([]);
    await page.close();
  });

  it('pages through a long list with Load more licenses', async () => {
    const big = await portal.createAccount('Many Licenses');
    await Promise.all(
      Array.from({ length: 51 }, () => portal.issueLicense(big.accountId, 'Altium NEXUS Server', 1)),
    );
    const page = await signedIn(big.admin);
    await expect.poll(() => licenseRows(page).count()).toBe(50);
    await page.getByRole('button', { name: 'Load more licenses' }).click();
    await expect.poll(() => licenseRows(page).count()).toBe(51);
    await expect(page.getByRole('button', { name: 'Load more licenses' }).isVisible()).resolves.toBe(false);
    const codes = await page.locator('#licenses-table tbody code').allTextContents();
    expect(new Set(codes).size).toBe(51);
    await page.close();
  });

  it("shows the API's message when sign-in fails", async () => {
    const page = await browser.newPage();
    await page.goto(portal.url);
    await page.getByLabel('Email').fill(acme.admin.email);
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.locator('#signin-error');
    await alert.waitFor();
    const answer = await portal.call('POST', '/v1/auth/token', {
      body: { username: acme.admin.email, password: 'wrong-password' },
    });
    await expect(alert.textContent()).resolves.toBe(answer.body.error.message);
    await page.close();
  });

  it('shows a member the licenses and details without the administrators’ actions', async () => {
    const page = await signedIn(acme.member);
    await expect.poll(() => licenseRows(page).count()).toBe(4);
    await expect(page.locator('#who-role').textContent()).resolves.toBe('Member');
    await expect(page.getByRole('link', { name: 'Roles' }).isVisible()).resolves.toBe(false);
    await expect(page.getByRole('link', { name: 'Reports' }).isVisible()).resolves.toBe(false);
    await openLicense(page, licenses.cal);
    await expect(page.locator('#license-facts').textContent()).resolves.toContain(
      licenses.cal.activationCode,
    );
    await expect(page.getByRole('button', { name: 'Activate' }).isVisible()).resolves.toBe(false);
    await expect(page.getByRole('heading', { name: 'Sessions' }).isVisible()).resolves.toBe(false);
    await page.close();
  });
});

describe('dashboard: activation', () => {
  it('activates a Server license and downloads its signed .alf with the seed’s file name', async () => {
    const page = await signedIn(acme.admin);
    await openLicense(page, licenses.server);
    await page.getByLabel('Host ID').fill('HOST-7F3A-22');
    await page.getByLabel('Host name').fill('nexus-01.acme.local');
    await page.getByRole('button', { name: 'Activate' }).click();
    const expectedName = `Altium Nexus Server License ${licenses.server.activationCode} R10 Primary.alf`;
    await expect.poll(() => page.locator('#activate-file').textContent()).toBe(expectedName);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download .alf' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(expectedName);
    const alf = await readFile(await download.path(), 'utf8');
    expect(alf).toMatch(/^Account: /m);
    expect(alf).toContain(`Activation-Code: ${licenses.server.activationCode}\n`);
    expect(alf).toContain('Host-Id: HOST-7F3A-22\n');
    const lines = alf.split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.at(-2)).toMatch(/^Signature: [^:]+:[A-Za-z0-9_-]+$/);
    await page.screenshot({ path: join(tmpdir(), 'dashboard-activation.png'), fullPage: true });
    expect((page as any).failures).toEqual([]);
    await page.close();
  });

  it('retries an activation whose answer was lost with the same idempotency key, getting the same activation', async () => {
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
      .poll(() => page.locator('#activate-error').textContent())
      .toBe('The portal cannot be reached; check your connection and try again.');
    await page.getByRole('button', { name: 'Activate' }).click();
    await expect.poll(() => page.locator('#activate-file').textContent()).toBe(lost.fileName);

    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download .alf' }).click(),
    ]);
    expect(await readFile(await download.path(), 'utf8')).toBe(lost.alf);
    await page.close();
  });

  it("shows the API's license_expired message for an expired license", async () => {
    const page = await signedIn(acme.admin);
    await openLicense(page, licenses.expired);
    await page.getByLabel('Host ID').fill('HOST-OLD');
    await page.getByRole('button', { name: 'Activate' }).click();
    const alert = page.locator('#activate-error');
    await alert.waitFor();
    const answer = await portal.call('POST', `/v1/licenses/${licenses.expired.licenseId}/activations`, {
      token: acme.admin.token,
      body: { hostId: 'HOST-OLD' },
    });
    expect(answer.body.error.code).toBe('license_expired');
    await expect(alert.textContent()).resolves.toBe(answer.body.error.message);
    await expect(page.locator('#activate-result').isVisible()).resolves.toBe(false);
    await page.close();
  });
});

describe('dashboard: seats of a CAL', () => {
  it('lists a session of the CAL and Kill Session frees its seat', async () => {
    const token = acme.admin.token;
    const server = await portal.call('POST', '/v1/servers', { token, body: { hostName: 'nexus-e2e' } });
    expect(server.status).toBe(201);
    const acquired = await portal.call('POST', `/v1/servers/${server.body.serverId}/acquisitions`, {
      token,
      body: { licenseIds: [licenses.server.licenseId, licenses.cal.licenseId] },
    });
    expect(acquired.status).toBe(201);
    const signIn = await portal.call('POST', `/v1/servers/${server.body.serverId}/sessions`, {
      token,
      body: { userId: acme.member.userId, machineId: 'PC-DESIGN-42', client: 'browser' },
    });
    expect(signIn.status).toBe(201);
    expect(signIn.body.licenseId).toBe(licenses.cal.licenseId);

    const page = await signedIn(acme.admin);
    page.on('dialog', (dialog) => dialog.accept());
    await openLicense(page, licenses.cal);
    const rows = page.locator('#sessions-table tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    const cells = await rows.first().locator('td').allTextContents();
    expect(cells.slice(0, 3)).toEqual([acme.member.userId, 'PC-DESIGN-42', 'Browser']);
    expect(cells[3]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    await expect(page.locator('#license-facts').textContent()).resolves.toContain('Used1');
    await page.screenshot({ path: join(tmpdir(), 'dashboard-sessions.png'), fullPage: true });

    await page.getByRole('button', { name: `Kill session of ${acme.member.userId} on PC-DESIGN-42` }).click();
    await expect.poll(() => rows.count()).toBe(0);
    await page.locator('#sessions-empty').waitFor();
    await expect.poll(() => page.locator('#license-facts').textContent()).toContain('Used0');
    const after = await portal.call('GET', `/v1/licenses/${licenses.cal.licenseId}`, { token });
    expect(after.body.used).toBe(0);
    expect((page as any).failures).toEqual([]);
    await page.close();
  });

  it("adds, edits and deletes assignments and shows the API's seats_overcommitted message", async () => {
    const page = await signedIn(acme.admin);
    page.on('dialog', (dialog) => dialog.accept());
    await openLicense(page, licenses.cal);
    const rows = page.locator('#assignments-table tbody tr');
    // A new CAL gets the All Users assignment (the setting is on by default).
    await expect.poll(() => rows.allTextContents()).toEqual([expect.stringContaining('All Users')]);

    await page.getByRole('button', { name: 'Add assignment' }).click();
    await page.getByLabel('Assign to role').fill('Designers');
    await page.getByLabel('Number of seats').fill('11');
    await page.getByRole('button', { name: 'Save assignment' }).click();
    const formError = page.locator('#assignment-form-error');
    await formError.waitFor();
    const refused = await portal.call('POST', `/v1/licenses/${licenses.cal.licenseId}/assignments`, {
      token: acme.admin.token,
      body: { role: 'Designers', seats: 11 },
    });
    expect(refused.body.error.code).toBe('seats_overcommitted');
    await expect(formError.textContent()).resolves.toBe(refused.body.error.message);

    await page.getByLabel('Number of seats').fill('4');
    await page.getByLabel('Allow roaming').check();
    await page.getByRole('button', { name: 'Save assignment' }).click();
    const designers = rows.filter({ hasText: 'Designers' });
    await expect
      .poll(() => designers.locator('td').allTextContents())
      .toEqual(['Designers', '4', '0', 'Yes', 'Yes', 'EditDelete']);

    await page.getByRole('button', { name: 'Edit assignment of Designers' }).click();
    await page.getByLabel('All available seats').check();
    await page.getByLabel('Automatic leasing').uncheck();
    await page.getByRole('button', { name: 'Save assignment' }).click();
    await expect
      .poll(() => designers.locator('td').allTextContents())
      .toEqual(['Designers', 'All available', '0', 'No', 'Yes', 'EditDelete']);
    await page.screenshot({ path: join(tmpdir(), 'dashboard-assignments.png'), fullPage: true });

    await page.getByRole('button', { name: 'Delete assignment of Designers' }).click();
    await expect.poll(() => designers.count()).toBe(0);
    const listed = await portal.call('GET', `/v1/licenses/${licenses.cal.licenseId}/assignments`, {
      token: acme.admin.token,
    });
    expect(listed.body.assignments.map((a: any) => a.role)).toEqual(['All Users']);
    expect((page as any).failures).toEqual([]);
    await page.close();
  });
});

describe('dashboard: roles, reports and settings', () => {
  it('shows seats per role, runs a usage report and downloads it as CSV', async () => {
    const page = await signedIn(acme.admin);
    await page.getByRole('link', { name: 'Roles' }).click();
    const roleRows = page.locator('#roles-table tbody tr');
    await expect.poll(() => roleRows.allTextContents()).toContainEqual(expect.stringContaining('All Users'));

    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('button', { name: 'Run report' }).click();
    const reportRows = page.locator('#report-table tbody tr');
    // The form starts on the last seven UTC days by day; the table shows the API's rows for that range.
    const from = `${await page.getByLabel('From (UTC)').inputValue()}:00Z`;
    const to = `${await page.getByLabel('To (UTC)').inputValue()}:00Z`;
    const report = await portal.call(
      'GET',
      `/v1/reports/usage?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&interval=day`,
      { token: acme.admin.token },
    );
    expect(report.status).toBe(200);
    expect(report.body.rows.length).toBeGreaterThan(0);
    await expect.poll(() => reportRows.count()).toBe(report.body.rows.length);
    const first = report.body.rows[0];
    const label = [licenses.cal, licenses.client].find((l) => l.licenseId === first.licenseId);
    await expect(reportRows.first().locator('td').allTextContents()).resolves.toEqual([
      `${first.start.slice(0, 16).replace('T', ' ')} UTC`,
      `${label.product} ${label.activationCode}`,
      String(first.peakSessions),
      String(first.sessionsStarted),
      String(first.denied),
      first.seatHours.toFixed(2),
    ]);
    await page.screenshot({ path: join(tmpdir(), 'dashboard-reports.png'), fullPage: true });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const csv = await readFile(await download.path(), 'utf8');
    expect(csv.split(/\r?\n/)[0]).toBe('start,licenseId,peakSessions,sessionsStarted,denied,seatHours');
    expect((page as any).failures).toEqual([]);
    await page.close();
  });

  it('saves the "Automatically create assignment for All Users" setting', async () => {
    const page = await signedIn(acme.admin);
    await page.getByRole('link', { name: 'Settings' }).click();
    const box = page.getByLabel('Automatically create assignment for All Users');
    await expect.poll(() => box.isChecked()).toBe(true);
    await box.uncheck();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => page.locator('#flash').textContent()).toBe('Settings saved.');
    const saved = await portal.call('GET', '/v1/settings/license-manager', { token: acme.admin.token });
    expect(saved.body.autoAssignAllUsers).toBe(false);
    await page.reload();
    await expect
      .poll(() => page.getByLabel('Automatically create assignment for All Users').isChecked())
      .toBe(false);
    await page.close();
  });
});

describe('dashboard: where it signs in', () => {
  it('signs in locally through POST /v1/auth/token: /config.json is absent and nothing leaves the origin', async () => {
    const page = await browser.newPage();
    const seen: { method: string; url: string }[] = [];
    page.on('request', (request) => seen.push({ method: request.method(), url: request.url() }));
    const config = page.waitForResponse((response) => response.url() === `${portal.url}/config.json`);
    await page.goto(portal.url);
    expect((await config).status()).toBe(404);
    await page.getByLabel('Email').fill(acme.admin.email);
    await page.getByLabel('Password').fill(acme.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Licenses', level: 1 }).waitFor();
    expect(seen).toContainEqual({ method: 'POST', url: `${portal.url}/v1/auth/token` });
    expect(seen.filter(({ url }) => !url.startsWith(portal.url))).toEqual([]);
    await page.close();
  });

  it('signs in with Cognito when /config.json names a user pool client, and sends the ID token to the API', async () => {
    const page = await browser.newPage();
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
    await expect.poll(() => page.locator('#signin-error').textContent()).toBe('Incorrect email or password.');

    await page.getByLabel('Password').fill(acme.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Licenses', level: 1 }).waitFor();
    await expect.poll(() => licenseRows(page).count()).toBe(4);

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
