import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { User } from 'oidc-client-ts';
import { api, useBearer } from './api.js';
import { CaseView, type CaseDetail } from './case-view.js';
import { currentLang, say, setLang, t, when } from './i18n.js';
import { emailOf, Session } from './session.js';
import { SkipLink } from '../src/lib/skip-link.js';

/**
 * The attorney's page (`/referrals/`, English and Spanish) and the doctor's page (`/cases/`): sign in with
 * the external pool, the list of one's cases, and a case in the fragment (`#MR-…`), so every address of
 * the page is the same file and a sign-in comes back to the case it left.
 */
export type Role = 'attorney' | 'doctor';

const PAGES: Record<Role, { path: string; title: string; list: string; detail: string; empty: string; intro: string }> = {
  attorney: {
    path: '/referrals/',
    title: 'Your referrals',
    list: '/api/attorney/referrals',
    detail: '/api/attorney/referrals/',
    empty: 'No referrals yet.',
    intro: 'Sign in to see your referrals: we email you a 6-digit code, no password needed.',
  },
  doctor: {
    path: '/cases/',
    title: 'Your cases',
    list: '/api/doctor/cases',
    detail: '/api/doctor/cases/',
    empty: 'No cases yet. A case you accept appears here, with the patient’s details and the records.',
    intro: 'Sign in with the email the program has for you: we email you a 6-digit code, no password needed.',
  },
};

type Session_ = { state: 'loading' } | { state: 'out'; problem?: string } | { state: 'in'; user: User };
const caseInHash = () => (/^#(MR-[0-9A-HJKMNP-TV-Z]{8})$/.exec(location.hash) ?? [])[1];

function App({ role }: { role: Role }) {
  const page = PAGES[role];
  const [session, setSession] = useState<Session_>({ state: 'loading' });
  const [open, setOpen] = useState(caseInHash);
  const [, setLangTick] = useState(currentLang());
  const auth = useRef<Session | undefined>(undefined);

  useEffect(() => {
    Session.start(page.path)
      .then((started) => {
        if (!started) return; // a popup's answer: the page that opened it finishes the sign-in
        auth.current = started.session;
        setOpen(caseInHash());
        setSession(
          started.user
            ? { state: 'in', user: started.user }
            : { state: 'out', problem: started.failed ? 'The sign-in did not finish. Sign in again.' : undefined },
        );
      })
      .catch(() => setSession({ state: 'out', problem: 'Sign-in is not available right now. Reload the page in a moment.' }));
    const onHash = () => setOpen(caseInHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  useBearer(
    async () => (await auth.current?.user(30))?.id_token,
    () => setSession({ state: 'out', problem: 'Your sign-in has ended. Sign in again to continue.' }),
  );

  useEffect(() => {
    document.title = `${open ?? t(page.title)} · ${t('Medical Review for Immigrants')}`;
  });

  const toggleLang = () => {
    const next = currentLang() === 'es' ? 'en' : 'es';
    setLang(next);
    setLangTick(next);
  };
  const signIn = () => void auth.current?.signIn(currentLang());

  return (
    <>
      <header class="top">
        <SkipLink>{t('Skip to content')}</SkipLink>
        <p class="brand">{t('Medical Review for Immigrants')}</p>
        {role === 'attorney' && (
          <button type="button" class="link-button" lang={currentLang() === 'es' ? 'en' : 'es'} onClick={toggleLang}>
            {currentLang() === 'es' ? 'English' : 'Español'}
          </button>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {session.state === 'loading' && <p>{t('Loading…')}</p>}
        {session.state === 'out' && (
          <>
            <h1>{t(page.title)}</h1>
            {session.problem && (
              <p class="summary" role="alert">
                {t(session.problem)}
              </p>
            )}
            <section class="panel info" aria-labelledby="signin-title">
              <h2 id="signin-title">{t('Sign in with your email')}</h2>
              <p>{t(page.intro)}</p>
              <button type="button" class="button" onClick={signIn} disabled={!auth.current}>
                {t('Sign in with your email')}
              </button>
            </section>
          </>
        )}
        {session.state === 'in' && (
          <>
            <div class="account">
              <p>{t('Signed in as {email}', { email: emailOf(session.user) })}</p>
              <button type="button" class="button secondary" onClick={() => void auth.current?.signOut(currentLang())}>
                {t('Sign out')}
              </button>
            </div>
            {open ? <OneCase role={role} id={open} /> : <CaseList role={role} />}
          </>
        )}
      </main>
    </>
  );
}

type ListItem = { referralId: string; createdAt: string; urgency: string; status: string; doctor?: { name: string } };

function CaseList({ role }: { role: Role }) {
  const page = PAGES[role];
  const [items, setItems] = useState<ListItem[] | undefined>();
  const [cursor, setCursor] = useState<string | undefined>();
  const [failed, setFailed] = useState(false);

  const load = async (after?: string) => {
    const res = await api<{ items: ListItem[]; nextCursor?: string }>(
      'GET',
      `${page.list}${after ? `?cursor=${encodeURIComponent(after)}` : ''}`,
    );
    if (res.status !== 200) return setFailed(res.status !== 401);
    setFailed(false);
    setItems((shown) => [...(after ? (shown ?? []) : []), ...res.body.items]);
    setCursor(res.body.nextCursor);
  };
  useEffect(() => {
    void load();
  }, []);

  return (
    <>
      <h1>{t(page.title)}</h1>
      {role === 'attorney' && (
        <p>
          <a href={`/${currentLang() === 'es' ? '?lang=es' : ''}`}>{t('Send a new referral')}</a>
        </p>
      )}
      {failed && <Failed retry={() => void load()} />}
      {!items && !failed && <p>{t('Loading…')}</p>}
      {items?.length === 0 && <p>{t(page.empty)}</p>}
      {items && items.length > 0 && (
        <ul class="cases">
          {items.map((c) => (
            <li key={c.referralId} class="case">
              <a href={`#${c.referralId}`} class="reference">
                {c.referralId}
              </a>
              <p>
                <span class={`badge ${c.urgency === 'urgent' ? 'urgent' : ''}`}>{say(c.urgency)}</span> {say(c.status)}
              </p>
              <p class="document-meta">
                {t('Sent')} {when(c.createdAt)}
                {c.doctor && role === 'attorney' ? ` · ${t('Doctor')}: ${c.doctor.name}` : ''}
              </p>
            </li>
          ))}
        </ul>
      )}
      {cursor && (
        <button type="button" class="button secondary" onClick={() => void load(cursor)}>
          {t('Show more')}
        </button>
      )}
    </>
  );
}

function OneCase({ role, id }: { role: Role; id: string }) {
  const page = PAGES[role];
  const [detail, setDetail] = useState<CaseDetail | 'missing' | 'failed' | undefined>();
  const heading = useRef<HTMLDivElement>(null);
  const load = async () => {
    const res = await api<CaseDetail>('GET', `${page.detail}${encodeURIComponent(id)}`);
    if (res.status === 401) return;
    setDetail(res.status === 200 ? res.body : res.status === 404 ? 'missing' : 'failed');
  };
  useEffect(() => {
    setDetail(undefined);
    void load();
  }, [id]);
  useEffect(() => {
    if (detail !== undefined) heading.current?.querySelector('h1')?.focus();
  }, [detail === undefined]);

  return (
    <div ref={heading}>
      <p>
        <a href={page.path + (currentLang() === 'es' ? '?lang=es' : '')}>← {t(role === 'attorney' ? 'All referrals' : 'Your cases')}</a>
      </p>
      {detail === undefined && <p>{t('Loading…')}</p>}
      {detail === 'failed' && <Failed retry={() => void load()} />}
      {detail === 'missing' && (
        <>
          <h1 tabIndex={-1}>{t('Not found')}</h1>
          <p>{t('There is no referral with this number on your account. Check the number, or open it from your list.')}</p>
        </>
      )}
      {typeof detail === 'object' && <CaseView detail={detail} role={role} onChanged={() => void load()} />}
    </div>
  );
}

function Failed({ retry }: { retry: () => void }) {
  return (
    <div class="panel bad" role="alert">
      <p>{t('The page could not load: the server or the connection failed. Try again in a moment.')}</p>
      <button type="button" class="button secondary" onClick={retry}>
        {t('Try again')}
      </button>
    </div>
  );
}

/** Renders the page of `role` into `#app`. */
export function startPortal(role: Role): void {
  document.documentElement.lang = currentLang();
  render(<App role={role} />, document.getElementById('app')!);
}
