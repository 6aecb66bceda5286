// The dashboard's behaviour: signs in (Cognito in AWS, the local token route locally), calls the portal's HTTP API
// (same origin) and renders its answers.

const TOKEN_KEY = 'portal.token';
const EMAIL_KEY = 'portal.email';

const $ = (id) => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`missing element #${id}`);
  return element;
};

/** Builds an element; text children become text nodes, so API data is never parsed as HTML. */
function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'className') element.className = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

// ---------- API ----------

/** An error answer of the API, carrying its code and the message written for people. */
class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  get email() {
    return sessionStorage.getItem(EMAIL_KEY) ?? '';
  },
  save(token, email) {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(EMAIL_KEY, email);
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(EMAIL_KEY);
  },
  /** The token's claims, for display only: the API decides who may do what from its own store. */
  claims() {
    const token = this.token;
    if (!token) return null;
    try {
      const payload = token.split('.')[1] ?? '';
      const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
      return JSON.parse(json);
    } catch {
      return {};
    }
  },
  /** Cognito ID tokens carry custom:admin as the string "true"; local tokens carry admin. */
  get isAdmin() {
    const claims = this.claims() ?? {};
    const value = claims.admin ?? claims['custom:admin'];
    return value === true || value === 'true';
  },
};

/**
 * Calls the API. JSON answers are parsed; `raw: true` returns the Response for files.
 * Every error answer becomes an ApiError with the API's message; a 401 also signs out.
 */
async function api(method, path, { body, headers = {}, raw = false, auth = true } = {}) {
  const init = { method, headers: { ...headers } };
  if (auth && session.token) init.headers.authorization = `Bearer ${session.token}`;
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(
      0,
      'network_error',
      'The portal cannot be reached; check your connection and try again.',
    );
  }
  if (!response.ok) {
    let code = 'http_error';
    let message = `The portal answered ${response.status}; try again.`;
    try {
      const json = await response.json();
      if (json?.error?.message) {
        code = json.error.code ?? code;
        message = json.error.message;
      }
    } catch {
      // not the API's JSON error: keep the generic message
    }
    if (response.status === 401 && auth && session.token) {
      signOut('Your sign-in has ended; please sign in again.');
    }
    throw new ApiError(response.status, code, message);
  }
  if (raw) return response;
  if (response.status === 204) return null;
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The file name the server gave in content-disposition (RFC 6266 filename*, else filename). */
function fileNameOf(response, fallback) {
  const header = response.headers.get('content-disposition') ?? '';
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1]);
    } catch {
      // fall through to the plain parameter
    }
  }
  const plain = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(header) ?? /filename\s*=\s*([^;]+)/i.exec(header);
  return plain?.[1] ? plain[1].replace(/\\(.)/g, '$1').trim() : fallback;
}

/** Fetches a file with the bearer token (a plain link could not send it) and hands it to the browser. */
async function download(path, fallbackName) {
  const response = await api('GET', path, { raw: true });
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: fileNameOf(response, fallbackName), hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser time to start the download before the URL goes away.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

// ---------- formatting ----------

const KIND_LABELS = { server: 'Server', cal: 'CAL (connections)', client: 'Design software' };
const STATUS_LABELS = { valid: 'Valid', expired: 'Expired', not_yet_valid: 'Not yet valid' };
const CLIENT_LABELS = { browser: 'Browser', design_client: 'Design client' };

function formatTime(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function formatDate(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(0, 10);
}

function formatDuration(seconds) {
  const total = Math.max(0, Math.floor(Number(seconds) || 0));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  if (days) return `${days} d ${hours} h`;
  if (hours) return `${hours} h ${String(minutes).padStart(2, '0')} min`;
  return `${minutes} min`;
}

const statusBadge = (status) =>
  h('span', { className: `badge status-${status}` }, STATUS_LABELS[status] ?? status);

function showError(id, error) {
  const element = $(id);
  if (!error) {
    element.hidden = true;
    element.textContent = '';
    return;
  }
  element.textContent = error instanceof Error ? error.message : String(error);
  element.hidden = false;
}

let flashTimer = 0;
function flash(message) {
  const element = $('flash');
  element.textContent = message;
  element.hidden = false;
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => {
    element.hidden = true;
  }, 6000);
}

/** Disables a form's or button's controls while a request runs, so a double click sends one request. */
async function busy(target, work) {
  const controls = target instanceof HTMLFormElement ? [...target.elements] : [target];
  for (const control of controls) control.disabled = true;
  target.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    for (const control of controls) control.disabled = false;
    target.removeAttribute('aria-busy');
  }
}

// ---------- views and routing ----------

const VIEWS = ['signin', 'licenses', 'license', 'roles', 'reports', 'settings'];

function showView(name) {
  for (const view of VIEWS) $(`view-${view}`).hidden = view !== name;
  const tab = name === 'license' ? 'licenses' : name;
  for (const link of document.querySelectorAll('#tabs a')) {
    if (link.dataset.tab === tab) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function applyRole() {
  const admin = session.isAdmin;
  $('who-email').textContent = session.email;
  const claims = session.claims() ?? {};
  const operator =
    claims.operator === true || claims.operator === 'true' || claims['custom:operator'] === 'true';
  $('who-role').textContent = admin ? 'Administrator' : operator ? 'Operator' : 'Member';
  for (const element of document.querySelectorAll('#tabs [data-admin]')) element.hidden = !admin;
}

async function route() {
  if (!session.token) {
    $('who').hidden = true;
    $('tabs').hidden = true;
    showView('signin');
    $('signin-email').focus();
    return;
  }
  $('who').hidden = false;
  $('tabs').hidden = false;
  applyRole();
  const [name, param] = location.hash.replace(/^#/, '').split('/');
  const adminViews = { roles: loadRoles, reports: openReports, settings: loadSettings };
  if (name === 'license' && param) {
    showView('license');
    await openLicense(decodeURIComponent(param));
  } else if (adminViews[name] && session.isAdmin) {
    showView(name);
    await adminViews[name]();
  } else {
    showView('licenses');
    await loadLicenses();
  }
}

// ---------- sign in / out ----------

function signOut(message) {
  session.clear();
  if (location.hash) history.replaceState(null, '', location.pathname);
  route();
  if (message) flash(message);
}

/**
 * Where the page signs in. Deployed, CloudFront serves /config.json ({region, userPoolClientId}, written by the
 * stack) and the page signs in with Cognito; the local runtime has no such file (404), so the page uses its
 * POST /v1/auth/token instead. Read once at start; a failure means "local".
 */
const configReady = (async () => {
  try {
    const response = await fetch('/config.json', { cache: 'no-store' });
    if (!response.ok) return null;
    const config = await response.json();
    const valid =
      typeof config?.userPoolClientId === 'string' &&
      /^[\w+]+$/.test(config.userPoolClientId) &&
      typeof config.region === 'string' &&
      /^[a-z]{2}(-[a-z]+)+-\d+$/.test(config.region);
    return valid ? { region: config.region, userPoolClientId: config.userPoolClientId } : null;
  } catch {
    return null;
  }
})();

/** Cognito's answers to a failed InitiateAuth, in words for people; others show Cognito's own message. */
const COGNITO_ERRORS = {
  NotAuthorizedException: 'Incorrect email or password.',
  UserNotFoundException: 'Incorrect email or password.',
  PasswordResetRequiredException: 'Your password must be reset; ask your portal operator.',
  UserNotConfirmedException: 'Your account is not confirmed yet; ask your portal operator.',
  TooManyRequestsException: 'Too many sign-in attempts; wait a minute and try again.',
};

/**
 * Signs in with Cognito's USER_PASSWORD_AUTH (a plain HTTPS call, no SDK) and returns the ID token: the API's
 * JWT authorizer checks ID tokens, whose audience is the app client and which carry custom:account.
 */
async function cognitoSignIn(config, username, password) {
  let response;
  try {
    response = await fetch(`https://cognito-idp.${config.region}.amazonaws.com/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth',
      },
      body: JSON.stringify({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: config.userPoolClientId,
        AuthParameters: { USERNAME: username, PASSWORD: password },
      }),
    });
  } catch {
    throw new ApiError(
      0,
      'network_error',
      'The sign-in service cannot be reached; check your connection and try again.',
    );
  }
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    const type = String(answer.__type ?? '')
      .split('#')
      .pop();
    const message =
      COGNITO_ERRORS[type] ?? answer.message ?? `Sign-in failed (${response.status}); try again.`;
    throw new ApiError(response.status, type || 'sign_in_failed', message);
  }
  const idToken = answer.AuthenticationResult?.IdToken;
  if (!idToken) {
    // A challenge (MFA code, new password) that this page cannot answer yet.
    throw new ApiError(
      0,
      'challenge',
      `Your account needs a sign-in step this page does not offer (${answer.ChallengeName ?? 'unknown'}); ask your portal operator.`,
    );
  }
  return idToken;
}

/** Returns the bearer token for the API: Cognito's ID token in AWS, the local runtime's token locally. */
async function signInFor(username, password) {
  const config = await configReady;
  if (config) return cognitoSignIn(config, username, password);
  const answer = await api('POST', '/v1/auth/token', { body: { username, password }, auth: false });
  return answer.accessToken;
}

$('signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const username = $('signin-email').value.trim();
  const password = $('signin-password').value;
  if (!username || !password) return showError('signin-error', 'Enter your email and password.');
  showError('signin-error', null);
  try {
    const token = await busy(form, () => signInFor(username, password));
    session.save(token, username);
    $('signin-password').value = '';
    if (!location.hash) location.hash = '#licenses';
    else await route();
  } catch (error) {
    showError('signin-error', error);
  }
});

$('sign-out').addEventListener('click', () => signOut('You are signed out.'));

// ---------- licenses list ----------

const licenseState = { filter: { product: '', validOnly: false }, nextToken: null, all: [] };

function licenseRow(license) {
  return h(
    'tr',
    {},
    h('td', {}, h('a', { href: `#license/${encodeURIComponent(license.licenseId)}` }, license.product)),
    h('td', {}, KIND_LABELS[license.kind] ?? license.kind),
    h('td', { className: 'num' }, license.seats),
    h('td', { className: 'num' }, license.used),
    h('td', {}, statusBadge(license.status)),
    h('td', {}, formatDate(license.validUntil)),
    h('td', {}, h('code', {}, license.activationCode)),
    h(
      'td',
      {},
      h(
        'a',
        {
          className: 'button-link',
          href: `#license/${encodeURIComponent(license.licenseId)}`,
          'aria-label': `Open ${license.product} ${license.activationCode}`,
        },
        'Open',
      ),
    ),
  );
}

async function loadLicenses({ more = false } = {}) {
  showError('licenses-error', null);
  const body = $('licenses-table').querySelector('tbody');
  const { product, validOnly } = licenseState.filter;
  try {
    const page = await api(
      'GET',
      `/v1/licenses${query({
        product: product || undefined,
        validOnly: validOnly ? 'true' : undefined,
        nextToken: more ? licenseState.nextToken : undefined,
      })}`,
    );
    if (!more) {
      body.replaceChildren();
      licenseState.all = [];
    }
    licenseState.all.push(...page.licenses);
    body.append(...page.licenses.map(licenseRow));
    licenseState.nextToken = page.nextToken;
    $('licenses-more').hidden = !page.nextToken;
    $('licenses-empty').hidden = licenseState.all.length > 0;
  } catch (error) {
    showError('licenses-error', error);
  }
}

$('license-filter').addEventListener('submit', async (event) => {
  event.preventDefault();
  licenseState.filter = { product: $('filter-product').value.trim(), validOnly: $('filter-valid').checked };
  await busy(event.currentTarget, () => loadLicenses());
});
$('filter-valid').addEventListener('change', () => $('license-filter').requestSubmit());
$('licenses-more').addEventListener('click', (event) =>
  busy(event.currentTarget, () => loadLicenses({ more: true })),
);

// ---------- license detail ----------

const detail = {
  license: null,
  activation: null,
  pending: null,
  sessionsToken: null,
  assignmentsToken: null,
  /** Counts openings, so that a slow answer for a license left behind never paints over the current one. */
  opening: 0,
};

function renderFacts(license) {
  const facts = [
    ['Product', license.product],
    ['Kind', KIND_LABELS[license.kind] ?? license.kind],
    ['Activation code', h('code', {}, license.activationCode)],
    ['Status', statusBadge(license.status)],
    ['Seats', license.seats],
    ['Used', license.used],
    ['Valid from', formatTime(license.validFrom)],
    ['Valid until', formatTime(license.validUntil)],
  ];
  $('license-facts').replaceChildren(
    ...facts.map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value))),
  );
}

async function openLicense(licenseId) {
  showError('license-error', null);
  for (const id of ['activate-error', 'sessions-error', 'assignments-error', 'assignment-form-error'])
    showError(id, null);
  $('activate-result').hidden = true;
  $('assignment-form').hidden = true;
  detail.activation = null;
  detail.pending = null;
  const admin = session.isAdmin;
  for (const id of ['activate-panel', 'sessions-panel', 'assignments-panel']) $(id).hidden = true;
  $('license-facts').replaceChildren();
  $('license-title').textContent = 'License';
  const opening = ++detail.opening;
  detail.license = null;
  let license;
  try {
    license = await api('GET', `/v1/licenses/${encodeURIComponent(licenseId)}`);
  } catch (error) {
    if (opening === detail.opening) showError('license-error', error);
    return;
  }
  if (opening !== detail.opening) return;
  detail.license = license;
  $('license-title').textContent = `${license.product} ${license.activationCode}`;
  renderFacts(license);
  if (!admin) return;
  $('activate-panel').hidden = false;
  if (license.kind === 'cal' || license.kind === 'client') {
    $('sessions-panel').hidden = false;
    $('assignments-panel').hidden = false;
    await Promise.all([loadSessions(), loadAssignments()]);
  }
}

async function refreshLicenseFacts() {
  if (!detail.license) return;
  try {
    detail.license = await api('GET', `/v1/licenses/${encodeURIComponent(detail.license.licenseId)}`);
    renderFacts(detail.license);
  } catch (error) {
    showError('license-error', error);
  }
}

// Activation: the idempotency key stays the same while the same request is retried after a failure,
// so a retry never makes a second activation; a new request (or a success) gets a new key.
$('activate-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const hostId = $('activate-host-id').value.trim();
  const hostName = $('activate-host-name').value.trim();
  if (!hostId) return showError('activate-error', 'Enter the Host ID of the machine the file is for.');
  showError('activate-error', null);
  const body = hostName ? { hostId, hostName } : { hostId };
  const signature = JSON.stringify(body);
  if (detail.pending?.signature !== signature) detail.pending = { signature, key: crypto.randomUUID() };
  const licenseId = detail.license.licenseId;
  try {
    const activation = await busy(form, () =>
      api('POST', `/v1/licenses/${encodeURIComponent(licenseId)}/activations`, {
        body,
        headers: { 'idempotency-key': detail.pending.key },
      }),
    );
    detail.pending = null;
    detail.activation = activation;
    $('activate-file').textContent = activation.fileName;
    $('activate-result').hidden = false;
    $('activate-download').focus();
  } catch (error) {
    showError('activate-error', error);
  }
});

$('activate-download').addEventListener('click', async (event) => {
  const activation = detail.activation;
  if (!activation) return;
  showError('activate-error', null);
  try {
    await busy(event.currentTarget, () =>
      download(`/v1/activations/${encodeURIComponent(activation.activationId)}/alf`, activation.fileName),
    );
  } catch (error) {
    showError('activate-error', error);
  }
});

// ---------- sessions ----------

function sessionRow(item) {
  const clients = (item.clients ?? []).map((client) => CLIENT_LABELS[client] ?? client).join(', ');
  const roaming = item.roamingUntil ? ` (roaming until ${formatTime(item.roamingUntil)})` : '';
  return h(
    'tr',
    {},
    h('td', {}, item.userId),
    h('td', {}, item.machineId),
    h('td', {}, clients + roaming),
    h('td', {}, formatTime(item.startedAt)),
    h('td', {}, formatDuration(item.durationSeconds)),
    h(
      'td',
      {},
      h(
        'button',
        {
          type: 'button',
          className: 'danger',
          'aria-label': `Kill session of ${item.userId} on ${item.machineId}`,
          onclick: (event) => killSession(item, event.currentTarget),
        },
        'Kill Session',
      ),
    ),
  );
}

async function loadSessions({ more = false } = {}) {
  showError('sessions-error', null);
  const body = $('sessions-table').querySelector('tbody');
  const licenseId = detail.license.licenseId;
  try {
    const page = await api(
      'GET',
      `/v1/licenses/${encodeURIComponent(licenseId)}/sessions${query({
        nextToken: more ? detail.sessionsToken : undefined,
      })}`,
    );
    if (!more) body.replaceChildren();
    body.append(...page.sessions.map(sessionRow));
    detail.sessionsToken = page.nextToken;
    $('sessions-more').hidden = !page.nextToken;
    $('sessions-empty').hidden = body.children.length > 0;
  } catch (error) {
    if (!more) body.replaceChildren();
    $('sessions-empty').hidden = true;
    $('sessions-more').hidden = true;
    showError('sessions-error', error);
  }
}

async function killSession(item, button) {
  if (!confirm(`Kill the session of ${item.userId} on ${item.machineId}? Their seat is freed at once.`))
    return;
  showError('sessions-error', null);
  try {
    await busy(button, () => api('DELETE', `/v1/sessions/${encodeURIComponent(item.sessionId)}`));
    flash(`Session of ${item.userId} on ${item.machineId} ended; its seat is free.`);
  } catch (error) {
    showError('sessions-error', error);
  }
  await Promise.all([loadSessions(), refreshLicenseFacts(), loadAssignments()]);
}

$('sessions-refresh').addEventListener('click', (event) =>
  busy(event.currentTarget, () => Promise.all([loadSessions(), refreshLicenseFacts()])),
);
$('sessions-more').addEventListener('click', (event) =>
  busy(event.currentTarget, () => loadSessions({ more: true })),
);

// ---------- assignments ----------

const yesNo = (value) => (value ? 'Yes' : 'No');
let editing = null;

function assignmentRow(item) {
  return h(
    'tr',
    {},
    h('td', {}, item.role),
    h('td', { className: 'num' }, item.seats === 'all' ? 'All available' : item.seats),
    h('td', { className: 'num' }, item.used),
    h('td', {}, yesNo(item.automaticLeasing)),
    h('td', {}, yesNo(item.allowRoaming)),
    h(
      'td',
      { className: 'row-actions' },
      h(
        'button',
        {
          type: 'button',
          className: 'secondary',
          'aria-label': `Edit assignment of ${item.role}`,
          onclick: () => openAssignmentForm(item),
        },
        'Edit',
      ),
      h(
        'button',
        {
          type: 'button',
          className: 'danger',
          'aria-label': `Delete assignment of ${item.role}`,
          onclick: (event) => deleteAssignment(item, event.currentTarget),
        },
        'Delete',
      ),
    ),
  );
}

async function loadAssignments({ more = false } = {}) {
  showError('assignments-error', null);
  const body = $('assignments-table').querySelector('tbody');
  const licenseId = detail.license.licenseId;
  try {
    const page = await api(
      'GET',
      `/v1/licenses/${encodeURIComponent(licenseId)}/assignments${query({
        nextToken: more ? detail.assignmentsToken : undefined,
      })}`,
    );
    if (!more) body.replaceChildren();
    body.append(...page.assignments.map(assignmentRow));
    detail.assignmentsToken = page.nextToken ?? null;
    $('assignments-more').hidden = !page.nextToken;
    $('assignments-empty').hidden = body.children.length > 0;
  } catch (error) {
    if (!more) body.replaceChildren();
    $('assignments-empty').hidden = true;
    $('assignments-more').hidden = true;
    showError('assignments-error', error);
  }
}

function openAssignmentForm(item) {
  editing = item ?? null;
  const form = $('assignment-form');
  $('assignment-form-title').textContent = item ? `Edit assignment of ${item.role}` : 'Add assignment';
  $('assignment-role').value = item?.role ?? '';
  const all = item?.seats === 'all';
  form.elements.seatsMode.value = all ? 'all' : 'count';
  $('assignment-seats').value = all || !item ? '1' : String(item.seats);
  $('assignment-seats').disabled = all;
  $('assignment-leasing').checked = item ? item.automaticLeasing : true;
  $('assignment-roaming').checked = item ? item.allowRoaming : false;
  showError('assignment-form-error', null);
  form.hidden = false;
  $('assignment-role').focus();
}

function closeAssignmentForm() {
  editing = null;
  $('assignment-form').hidden = true;
  $('assignment-add').focus();
}

$('assignment-add').addEventListener('click', () => openAssignmentForm(null));
$('assignment-cancel').addEventListener('click', closeAssignmentForm);
for (const radio of $('assignment-form').querySelectorAll('input[name="seatsMode"]')) {
  radio.addEventListener('change', () => {
    $('assignment-seats').disabled = $('assignment-form').elements.seatsMode.value === 'all';
  });
}

$('assignment-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const role = $('assignment-role').value.trim();
  if (!role) return showError('assignment-form-error', 'Enter the role the seats are assigned to.');
  let seats = 'all';
  if (form.elements.seatsMode.value === 'count') {
    seats = Number($('assignment-seats').value);
    if (!Number.isInteger(seats) || seats < 1)
      return showError('assignment-form-error', 'Seats count must be a whole number of at least 1.');
  }
  const body = {
    role,
    seats,
    automaticLeasing: $('assignment-leasing').checked,
    allowRoaming: $('assignment-roaming').checked,
  };
  const base = `/v1/licenses/${encodeURIComponent(detail.license.licenseId)}/assignments`;
  showError('assignment-form-error', null);
  try {
    await busy(form, () =>
      editing
        ? api('PUT', `${base}/${encodeURIComponent(editing.assignmentId)}`, { body })
        : api('POST', base, { body }),
    );
    flash(editing ? `Assignment of ${role} saved.` : `Assignment of ${role} added.`);
    closeAssignmentForm();
    await loadAssignments();
  } catch (error) {
    // The seat rules (seats_overcommitted and the like) are the API's; its message says what to change.
    showError('assignment-form-error', error);
  }
});

async function deleteAssignment(item, button) {
  if (!confirm(`Delete the assignment of ${item.role}? Sessions already held through it go on.`)) return;
  showError('assignments-error', null);
  try {
    await busy(button, () =>
      api(
        'DELETE',
        `/v1/licenses/${encodeURIComponent(detail.license.licenseId)}/assignments/${encodeURIComponent(item.assignmentId)}`,
      ),
    );
    flash(`Assignment of ${item.role} deleted.`);
  } catch (error) {
    showError('assignments-error', error);
  }
  await loadAssignments();
}

$('assignments-more').addEventListener('click', (event) =>
  busy(event.currentTarget, () => loadAssignments({ more: true })),
);

// ---------- roles ----------

async function loadRoles() {
  showError('roles-error', null);
  const body = $('roles-table').querySelector('tbody');
  try {
    const answer = await api('GET', '/v1/roles');
    body.replaceChildren(
      ...answer.roles.map((item) =>
        h(
          'tr',
          {},
          h('td', {}, item.role),
          h('td', { className: 'num' }, item.seats === 'all' ? 'All available' : item.seats),
          h('td', { className: 'num' }, item.used),
        ),
      ),
    );
    $('roles-empty').hidden = answer.roles.length > 0;
    $('known-roles').replaceChildren(...answer.roles.map((item) => h('option', { value: item.role })));
  } catch (error) {
    body.replaceChildren();
    $('roles-empty').hidden = true;
    showError('roles-error', error);
  }
}

$('roles-refresh').addEventListener('click', (event) => busy(event.currentTarget, loadRoles));

// ---------- reports ----------

/** datetime-local values are read as UTC, as the labels say. */
const toInputValue = (date) => date.toISOString().slice(0, 16);
function fromInputValue(value) {
  if (!value) return null;
  // Chromium gives "YYYY-MM-DDTHH:mm", or with seconds when they are not zero.
  const date = new Date(value.length === 16 ? `${value}:00Z` : `${value}Z`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

let reportLicenses = new Map();

async function openReports() {
  if (!$('report-from').value) {
    const today = new Date();
    today.setUTCHours(0, 0, 0, 0);
    $('report-from').value = toInputValue(new Date(today.getTime() - 6 * 86_400_000));
    $('report-to').value = toInputValue(new Date(today.getTime() + 86_400_000));
  }
  // The license picker lists CAL and client licenses, the only ones a usage report has rows for.
  try {
    const licenses = [];
    let nextToken;
    do {
      const page = await api('GET', `/v1/licenses${query({ limit: 100, nextToken })}`);
      licenses.push(...page.licenses);
      nextToken = page.nextToken;
    } while (nextToken && licenses.length < 1000);
    reportLicenses = new Map(licenses.map((license) => [license.licenseId, license]));
    const select = $('report-license');
    const chosen = select.value;
    select.replaceChildren(
      h('option', { value: '' }, 'All CAL and client licenses'),
      ...licenses
        .filter((license) => license.kind === 'cal' || license.kind === 'client')
        .map((license) =>
          h('option', { value: license.licenseId }, `${license.product} ${license.activationCode}`),
        ),
    );
    select.value = chosen;
  } catch (error) {
    showError('report-error', error);
  }
}

function reportParams() {
  const from = fromInputValue($('report-from').value);
  const to = fromInputValue($('report-to').value);
  if (!from || !to) throw new Error('Enter both From and To (UTC).');
  return {
    from,
    to,
    interval: $('report-interval').value,
    licenseId: $('report-license').value || undefined,
    role: $('report-role').value.trim() || undefined,
  };
}

function licenseLabel(licenseId) {
  const license = reportLicenses.get(licenseId);
  return license ? `${license.product} ${license.activationCode}` : licenseId;
}

$('report-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  showError('report-error', null);
  const body = $('report-table').querySelector('tbody');
  try {
    const params = reportParams();
    const answer = await busy(event.currentTarget, () => api('GET', `/v1/reports/usage${query(params)}`));
    body.replaceChildren(
      ...answer.rows.map((row) =>
        h(
          'tr',
          {},
          h('td', {}, formatTime(row.start)),
          h('td', {}, licenseLabel(row.licenseId)),
          h('td', { className: 'num' }, row.peakSessions),
          h('td', { className: 'num' }, row.sessionsStarted),
          h('td', { className: 'num' }, row.denied),
          h('td', { className: 'num' }, Number(row.seatHours).toFixed(2)),
        ),
      ),
    );
    $('report-empty').hidden = answer.rows.length > 0;
  } catch (error) {
    body.replaceChildren();
    $('report-empty').hidden = true;
    showError('report-error', error);
  }
});

$('report-csv').addEventListener('click', async (event) => {
  showError('report-error', null);
  try {
    const params = reportParams();
    const name = `usage-${params.interval}-${params.from.slice(0, 10)}-${params.to.slice(0, 10)}.csv`;
    await busy(event.currentTarget, () =>
      download(`/v1/reports/usage${query({ ...params, format: 'csv' })}`, name),
    );
  } catch (error) {
    showError('report-error', error);
  }
});

// ---------- settings ----------

async function loadSettings() {
  showError('settings-error', null);
  try {
    const settings = await api('GET', '/v1/settings/license-manager');
    $('settings-auto-assign').checked = Boolean(settings.autoAssignAllUsers);
  } catch (error) {
    showError('settings-error', error);
  }
}

$('settings-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  showError('settings-error', null);
  try {
    const settings = await busy(event.currentTarget, () =>
      api('PUT', '/v1/settings/license-manager', {
        body: { autoAssignAllUsers: $('settings-auto-assign').checked },
      }),
    );
    if (settings && typeof settings.autoAssignAllUsers === 'boolean')
      $('settings-auto-assign').checked = settings.autoAssignAllUsers;
    flash('Settings saved.');
  } catch (error) {
    showError('settings-error', error);
  }
});

// ---------- start ----------

window.addEventListener('hashchange', () => {
  route();
  $('main').focus({ preventScroll: true });
});
route();
