// The dashboard's pages and their hash routes, in one table: the router, the tabs and the page titles read it.
// Adding a page is one entry here plus its view in app.tsx's VIEWS (the compiler asks for it); see docs/dashboard.md.

/** Every page of the dashboard. */
export const PAGES = {
  licenses: { path: 'licenses', title: 'Licenses', tab: 'Licenses', admin: false },
  license: { path: 'license/:licenseId', title: 'License', tab: null, admin: false, section: 'licenses' },
  servers: { path: 'servers', title: 'Servers', tab: 'Servers', admin: true },
  server: { path: 'server/:serverId', title: 'Server', tab: null, admin: true, section: 'servers' },
  sessions: { path: 'sessions', title: 'Sessions', tab: 'Sessions', admin: true },
  users: { path: 'users', title: 'Users', tab: 'Users', admin: true },
  roles: { path: 'roles', title: 'Roles', tab: 'Roles', admin: true },
  reports: { path: 'reports', title: 'Reports', tab: 'Reports', admin: true },
  audit: { path: 'audit', title: 'Audit log', tab: 'Audit', admin: true },
  settings: { path: 'settings', title: 'Settings', tab: 'Settings', admin: true },
} as const satisfies Record<string, PageSpec>;

/** How a page is reached and shown. */
export interface PageSpec {
  /** The hash path; `:name` parts are parameters (`license/:licenseId`). */
  path: string;
  /** The document title's first part. */
  title: string;
  /** The tab's label, or null for pages reached from another page (a license's page). */
  tab: string | null;
  /** Only account administrators see it (the API refuses the others anyway). */
  admin: boolean;
  /** For a page without a tab: the tab it belongs to, marked current while it is shown. */
  section?: string;
}

/** A page's name. */
export type PageId = keyof typeof PAGES;

/** The page a hash names, with its parameters. */
export interface Route {
  page: PageId;
  params: Record<string, string>;
}

/** The page shown for an empty or unknown hash, and to members asking for an administrator's page. */
export const HOME: Route = { page: 'licenses', params: {} };

function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const have = path.split('/');
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const part = want[i] ?? '';
    const value = have[i] ?? '';
    if (part.startsWith(':')) {
      if (!value) return null;
      try {
        params[part.slice(1)] = decodeURIComponent(value);
      } catch {
        return null;
      }
    } else if (part !== value) return null;
  }
  return params;
}

/** The route of a location hash (`#license/lic_…`); HOME for anything unknown or not allowed. */
export function parseHash(hash: string, isAdmin: boolean): Route {
  const path = hash.replace(/^#\/?/, '');
  for (const [page, spec] of Object.entries(PAGES) as [PageId, PageSpec][]) {
    const params = matchPath(spec.path, path);
    if (params && (isAdmin || !spec.admin)) return { page, params };
  }
  return HOME;
}

/** The hash of a page: `hrefOf('license', { licenseId })` → `#license/lic_…`. */
export function hrefOf(page: PageId, params: Record<string, string> = {}): string {
  const path = PAGES[page].path.replace(/:(\w+)/g, (_, name: string) =>
    encodeURIComponent(params[name] ?? ''),
  );
  return `#${path}`;
}

/** The tabs a user sees, in order: only pages that exist and that the user may open. */
export function tabsFor(isAdmin: boolean): { page: PageId; label: string }[] {
  return (Object.entries(PAGES) as [PageId, PageSpec][])
    .filter(([, spec]) => spec.tab !== null && (isAdmin || !spec.admin))
    .map(([page, spec]) => ({ page, label: spec.tab ?? spec.title }));
}

/** Which tab is current on a page: its own, or its section's (a license's page belongs to Licenses). */
export function tabOf(page: PageId): PageId {
  const spec: PageSpec = PAGES[page];
  return spec.section && spec.section in PAGES ? (spec.section as PageId) : page;
}
