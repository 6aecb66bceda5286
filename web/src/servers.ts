// The Servers pages' rules, apart from the browser: what each licensing state means and what to do about it (the
// seed's alert banner), the From cloud window's filter, and the words for what an acquisition or import did.
import type { Schemas } from '../../client/index.js';
import { formatDate, type License, licenseLabel } from './format.js';

/** A NEXUS server as GET /v1/servers lists it. */
export type ListedServer = Schemas['ListedServer'];
/** A server's licensing state. */
export type ServerState = ListedServer['state'];

/** The words people read for a state (the badge). */
export const STATE_LABELS: Record<ServerState, string> = {
  licensed: 'Licensed',
  unlicensed: 'Unlicensed',
  admin_only: 'Administrators only',
  lapsed: 'Lapsed',
};

/** What a state that keeps users out means, and what the administrator can do about it. */
export const STATE_ADVICE: Record<Exclude<ServerState, 'licensed'>, { meaning: string; todo: string }> = {
  unlicensed: {
    meaning: 'It has never held a valid Server license, so nobody can sign in to it.',
    todo: 'Open it and use Add Licenses: From cloud acquires an Altium NEXUS Server license of your account, From file imports its .alf file.',
  },
  admin_only: {
    meaning:
      'It holds a valid Server license, but your account has no valid CAL, so only one administrator at a time can connect (for backup and configuration).',
    todo: 'Ask your license operator for an Altium NEXUS Server CAL, or to renew the one that ended; users can sign in again as soon as a CAL is valid.',
  },
  lapsed: {
    meaning:
      'Every Server license it held has ended; it keeps one administrative connection at a time for backup and configuration.',
    todo: 'Ask your license operator to renew its Server license, or add another valid Server license to it (Add Licenses).',
  },
};

/** Banners are shown in this order: the states that keep the most people out first. */
const ALERT_ORDER: readonly Exclude<ServerState, 'licensed'>[] = ['unlicensed', 'lapsed', 'admin_only'];

/** One alert banner: the servers in a state that keeps users out, what it means and what to do. */
export interface ServerAlert {
  state: Exclude<ServerState, 'licensed'>;
  title: string;
  servers: ListedServer[];
  meaning: string;
  todo: string;
}

const ALERT_TITLES: Record<ServerAlert['state'], [one: string, many: string]> = {
  unlicensed: ['A server is unlicensed', 'servers are unlicensed'],
  admin_only: ['A server admits administrators only', 'servers admit administrators only'],
  lapsed: ['A server’s licensing has lapsed', 'servers’ licensing has lapsed'],
};

/** The alert banners for `servers`: one per state that keeps users out, naming its servers. */
export function serverAlerts(servers: readonly ListedServer[]): ServerAlert[] {
  return ALERT_ORDER.flatMap((state) => {
    const inState = servers.filter((server) => server.state === state);
    if (inState.length === 0) return [];
    const [one, many] = ALERT_TITLES[state];
    const title = inState.length === 1 ? one : `${inState.length} ${many}`;
    return [{ state, title, servers: inState, ...STATE_ADVICE[state] }];
  });
}

/** The From cloud window's filters: the seed's Product Name field and Show valid only. */
export interface CloudFilter {
  product: string;
  validOnly: boolean;
}

/** The query of GET /v1/licenses for the window's filters (the API filters by product and validity). */
export function cloudQuery(filter: CloudFilter): { product?: string; validOnly?: boolean } {
  const product = filter.product.trim();
  return { ...(product ? { product } : {}), ...(filter.validOnly ? { validOnly: true } : {}) };
}

/** Why a license cannot be acquired now, in words; null when it can. */
export function notAcquirable(license: Pick<License, 'status' | 'validFrom' | 'validUntil'>): string | null {
  if (license.status === 'expired') return `Ended on ${formatDate(license.validUntil)}`;
  if (license.status === 'not_yet_valid') return `Starts on ${formatDate(license.validFrom)}`;
  return null;
}

/** The notice after an acquisition From cloud: what the server holds now and what its users do next. */
export function acquiredNotice(hostName: string, acquired: readonly License[], anythingNew: boolean): string {
  const names = acquired.map(licenseLabel).join(', ');
  if (!anythingNew)
    return `${hostName} already held ${names}; nothing new was acquired. The license files are listed again below.`;
  return `Acquired for ${hostName}: ${names}. Sign out of the NEXUS server and in again to enable what they license.`;
}

/** The notice after an import From file. */
export function importedNotice(
  hostName: string,
  license: License | undefined,
  fileName: string,
  fresh: boolean,
) {
  const name = license ? licenseLabel(license) : 'the license';
  return fresh
    ? `Imported “${fileName}”: ${hostName} now holds ${name}. Sign out of the NEXUS server and in again to enable it.`
    : `${hostName} already held ${name} (“${fileName}”); nothing changed.`;
}
