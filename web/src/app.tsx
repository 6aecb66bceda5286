// The shell: sign-in state, the router, the tabs, the page heading and notices, and where focus goes after a
// navigation. Each page's own state lives in its view and is dropped when the page (or its license) changes.
import type { ComponentType } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createApi } from './api.js';
import { SIGNED_OUT_EXPIRED } from './messages.js';
import { hrefOf, PAGES, type PageId, parseHash, type Route, tabOf, tabsFor } from './routes.js';
import { clearSession, loadSession, type Session, saveSession } from './session.js';
import type { CognitoConfig } from './sign-in.js';
import type { Notice, PageProps } from './ui.js';
import { lazyView } from './views/lazy.js';
import { LicenseView } from './views/license.js';
import { LicensesView } from './views/licenses.js';
import { RolesView } from './views/roles.js';
import { SettingsView } from './views/settings.js';
import { SignInView } from './views/sign-in.js';

/** An administration page, from the chunk that holds them all (views/admin.ts), loaded when first opened. */
const adminView = (
  what: string,
  pick: (module: typeof import('./views/admin.js')) => ComponentType<PageProps>,
) => lazyView(what, () => import('./views/admin.js').then(pick));

/**
 * Every page's view; the compiler asks for one per entry of PAGES. The chart's page and the administration pages
 * load on demand, so the first page (Licenses) carries neither uPlot nor them.
 */
const VIEWS: Record<PageId, ComponentType<PageProps>> = {
  licenses: LicensesView,
  license: LicenseView,
  servers: adminView('the servers page', (module) => module.ServersView),
  server: adminView('the server’s page', (module) => module.ServerView),
  sessions: adminView('the sessions page', (module) => module.AllSessionsView),
  users: adminView('the users page', (module) => module.UsersView),
  roles: RolesView,
  reports: lazyView('the reports page', () =>
    import('./views/reports.js').then((module) => module.ReportsView),
  ),
  audit: adminView('the audit log', (module) => module.AuditView),
  settings: SettingsView,
};

const APP_NAME = 'License Portal';

/** Where focus goes once the new page is shown: its heading, the sign-in form, or nowhere (a tab kept it). */
type FocusTarget = 'heading' | 'keep';

/** The dashboard. `config` tells where to sign in (Cognito when deployed, the local token route otherwise). */
export function App({ config }: { config: Promise<CognitoConfig | null> }) {
  const [session, setSession] = useState<Session | null>(() => loadSession(sessionStorage));
  const [route, setRoute] = useState<Route>(() => parseHash(location.hash, session?.isAdmin ?? false));
  const [notice, setNotice] = useState<Notice | null>(null);
  const [heading, setHeading] = useState<string>(PAGES[route.page].title);
  const focusNext = useRef<FocusTarget>('keep');
  // The notice a view asked to show on the page it opens (go), shown once that page is there.
  const pendingNotice = useRef<Notice | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  // The client asks for the token at each request; the ref always holds the current one.
  const sessionRef = useRef(session);
  sessionRef.current = session;

  const endSession = useCallback((message: Notice) => {
    if (!sessionRef.current) return;
    clearSession(sessionStorage);
    sessionRef.current = null;
    setSession(null);
    setNotice(message);
    if (location.hash) history.replaceState(null, '', location.pathname);
  }, []);

  const api = useMemo(
    () =>
      createApi(
        () => sessionRef.current?.token,
        () => endSession({ kind: 'warning', text: SIGNED_OUT_EXPIRED }),
      ),
    [endSession],
  );

  // The heading starts as the page's title; a view may name it better (a license's name) once it has loaded.
  const show = useCallback((next: Route) => {
    setRoute(next);
    setHeading(PAGES[next.page].title);
  }, []);

  useEffect(() => {
    const onHashChange = () => {
      // A tab keeps focus, so keyboard users stay in the tabs; a link in the page moves focus to the new heading.
      focusNext.current = document.activeElement?.closest('nav') ? 'keep' : 'heading';
      setNotice(pendingNotice.current);
      pendingNotice.current = null;
      show(parseHash(location.hash, sessionRef.current?.isAdmin ?? false));
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, [show]);

  const go = useCallback((href: string, next?: Notice) => {
    pendingNotice.current = next ?? null;
    location.hash = href;
  }, []);

  useEffect(() => {
    document.title = session ? `${heading} — ${APP_NAME}` : `Sign in — ${APP_NAME}`;
  }, [heading, session]);

  useEffect(() => {
    if (focusNext.current === 'heading') headingRef.current?.focus();
    focusNext.current = 'keep';
  });

  const signedIn = (next: Session) => {
    saveSession(sessionStorage, next);
    setNotice(null);
    setSession(next);
    show(parseHash(location.hash, next.isAdmin));
    focusNext.current = 'heading';
  };

  const signOut = () => endSession({ kind: 'info', text: 'You are signed out.' });

  const skipToContent = (event: Event) => {
    // The hash is the router's; the skip link moves focus without navigating.
    event.preventDefault();
    const target = headingRef.current ?? document.querySelector<HTMLElement>('#main h1, #main input');
    target?.focus();
  };

  const View = VIEWS[route.page];
  const currentTab = tabOf(route.page);
  return (
    <>
      {/* biome-ignore lint/a11y/useValidAnchor: a skip link is a link by convention; the hash is the router's, so it moves focus itself */}
      <a class="skip-link" href="#main" onClick={skipToContent}>
        Skip to content
      </a>
      <header class="topbar">
        <div class="brand">
          <span class="brand-mark" aria-hidden="true">
            N
          </span>
          <span>{APP_NAME}</span>
        </div>
        {session && (
          <div class="who">
            <span class="who-email">{session.email}</span>
            <span class="badge who-role">{session.role}</span>
            <button type="button" class="secondary" onClick={signOut}>
              Sign out
            </button>
          </div>
        )}
      </header>
      {session && (
        <nav class="tabs" aria-label="Dashboard sections">
          {tabsFor(session.isAdmin).map((tab) => (
            <a
              key={tab.page}
              href={hrefOf(tab.page)}
              aria-current={tab.page === currentTab ? 'page' : undefined}
            >
              {tab.label}
            </a>
          ))}
        </nav>
      )}
      <main id="main">
        <div class="notice-region" role="status" aria-live="polite">
          {notice && <p class={`notice notice-${notice.kind}`}>{notice.text}</p>}
        </div>
        {session ? (
          <>
            <h1 ref={headingRef} tabIndex={-1} class="page-heading">
              {heading}
            </h1>
            <View
              key={`${route.page}:${JSON.stringify(route.params)}`}
              api={api}
              session={session}
              params={route.params}
              notify={setNotice}
              setHeading={setHeading}
              go={go}
            />
          </>
        ) : (
          <SignInView api={api} config={config} onSignedIn={signedIn} onAttempt={() => setNotice(null)} />
        )}
      </main>
    </>
  );
}
