import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { User } from 'oidc-client-ts';
import { useBearer } from './api.js';
import { groupsOf, signIn, signOut, startAuth } from './auth.js';
import { CaseFile } from './case.js';
import { ClinicsPage } from './clinics.js';
import { currentLang, setLang, t } from './i18n.js';
import { Metrics } from './metrics.js';
import { Queue } from './queue.js';
import { RosterPage } from './roster.js';
import { Submitters } from './submitters.js';
import { SkipLink } from '../src/lib/skip-link.js';

type Route =
  | { page: 'queue' }
  | { page: 'case'; id: string }
  | { page: 'roster' }
  | { page: 'clinics' }
  | { page: 'submitters' }
  | { page: 'metrics' };

/** Pages live in the fragment (`#/case/MR-…`), so every console address is the same file, with no server routing. */
function parseRoute(hash: string): Route {
  const [, page, id] = hash.replace(/^#/, '').split('/');
  if (page === 'case' && id) return { page: 'case', id: decodeURIComponent(id) };
  if (page === 'roster' || page === 'clinics' || page === 'submitters' || page === 'metrics') return { page };
  return { page: 'queue' };
}

const TITLES: Record<Route['page'], string> = {
  queue: 'Queue',
  case: 'Case file',
  roster: 'Roster',
  clinics: 'Clinics',
  submitters: 'Trusted submitters',
  metrics: 'Metrics',
};

type Session = { state: 'loading' } | { state: 'out'; error?: string } | { state: 'in'; user: User };

function App() {
  const [session, setSession] = useState<Session>({ state: 'loading' });
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  const [, setLangTick] = useState(currentLang());

  useEffect(() => {
    startAuth()
      .then((user) => setSession(user ? { state: 'in', user } : { state: 'out' }))
      .catch((e: Error) => setSession({ state: 'out', error: `Signing in did not work (${e.message}). Please try again.` }));
    const onHash = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    document.title = `${t(TITLES[route.page])} · medreview`;
  }, [route, session]);

  const user = session.state === 'in' ? session.user : undefined;
  useBearer(
    () => user?.id_token,
    () => setSession({ state: 'out', error: 'Your sign-in has ended. Please sign in again.' }),
  );

  const toggleLang = () => {
    const next = currentLang() === 'es' ? 'en' : 'es';
    setLang(next);
    setLangTick(next);
  };
  const header = (
    <header class="top">
      <SkipLink>{t('Skip to content')}</SkipLink>
      <p class="brand">medreview · {t('Coordinator console')}</p>
      {user && groupsOf(user).includes('coordinators') && (
        <nav aria-label="Console">
          {(['queue', 'roster', 'clinics', 'submitters', 'metrics'] as const).map((p) => (
            <a
              key={p}
              href={p === 'queue' ? '#/' : `#/${p}`}
              aria-current={route.page === p || (p === 'queue' && route.page === 'case') ? 'page' : undefined}
            >
              {t(TITLES[p])}
            </a>
          ))}
        </nav>
      )}
      <span>
        <button type="button" class="link-button" lang={currentLang() === 'es' ? 'en' : 'es'} onClick={toggleLang}>
          {currentLang() === 'es' ? 'English' : 'Español'}
        </button>
        {user && (
          <>
            {' '}
            <span class="who">{String(user.profile.email ?? '')}</span>{' '}
            <button type="button" class="link-button" onClick={() => void signOut()}>
              {t('Sign out')}
            </button>
          </>
        )}
      </span>
    </header>
  );

  if (session.state === 'loading')
    return (
      <>
        {header}
        <main id="main" tabIndex={-1}>
          <p>Loading…</p>
        </main>
      </>
    );
  if (session.state === 'out') {
    return (
      <>
        {header}
        <main id="main" tabIndex={-1}>
          <h1>{t('Coordinator console')}</h1>
          {session.error && (
            <p class="summary" role="alert">
              {session.error}
            </p>
          )}
          <p>{t('Sign in to see the cases.')}</p>
          <button type="button" class="button" onClick={() => void signIn()}>
            {t('Sign in')}
          </button>
        </main>
      </>
    );
  }
  if (!groupsOf(session.user).includes('coordinators')) {
    return (
      <>
        {header}
        <main id="main" tabIndex={-1}>
          <h1>{t('No access')}</h1>
          <div class="panel bad">
            <p>
              You are signed in as <strong>{String(session.user.profile.email ?? session.user.profile.sub)}</strong>, but this account is
              not in the <strong>coordinators</strong> group, so it cannot see cases.
            </p>
            <p>Ask the program's administrator to add you to the group, then sign out and sign in again.</p>
          </div>
          <button type="button" class="button secondary" onClick={() => void signOut()}>
            {t('Sign out')}
          </button>
        </main>
      </>
    );
  }
  return (
    <>
      {header}
      <main id="main" class="wide" tabIndex={-1}>
        {route.page === 'queue' && <Queue />}
        {route.page === 'case' && <CaseFile key={route.id} id={route.id} />}
        {route.page === 'roster' && <RosterPage />}
        {route.page === 'clinics' && <ClinicsPage />}
        {route.page === 'submitters' && <Submitters />}
        {route.page === 'metrics' && <Metrics />}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
