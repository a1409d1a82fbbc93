import type { User } from 'oidc-client-ts';
import { SignIn } from '../src/lib/auth.js';
import { setLang } from './i18n.js';

/**
 * Sign-in for the attorney's and the doctor's pages: the external pool's client (an emailed code), with
 * this page's address as the callback. Where the person was (the fragment, `#MR-…`) travels in the
 * sign-in's state and is put back after it.
 */
export class Session {
  private constructor(
    private readonly auth: SignIn,
    private readonly page: string,
  ) {}

  /** Loads where to sign in; finishes a sign-in whose answer is in the address. Null: this is a popup's answer. */
  static async start(page: string): Promise<{ session: Session; user: User | null; failed?: boolean } | null> {
    const home = `${location.origin}${page}`;
    const auth = await SignIn.load({ config: '/auth/config.json', callback: home, home });
    const session = new Session(auth, page);
    if (!SignIn.isAnswer()) return { session, user: await auth.user() };
    const lang = new URLSearchParams(location.search).get('lang');
    try {
      const user = await auth.finish();
      if (!user) return null;
      const { hash = '', lang: signedInLang } = (user.state ?? {}) as { hash?: string; lang?: string };
      history.replaceState(null, '', `${page}${/^#MR-[0-9A-Z]{8}$/.test(hash) ? hash : ''}`);
      setLang(signedInLang === 'es' ? 'es' : 'en');
      return { session, user };
    } catch {
      history.replaceState(null, '', `${page}${lang === 'es' ? '?lang=es' : ''}`);
      return { session, user: null, failed: true };
    }
  }

  /** The signed-in user while their ID token has more than `marginSeconds` left. */
  user(marginSeconds = 0): Promise<User | null> {
    return this.auth.user(marginSeconds);
  }

  /** Sends the browser to sign in, coming back to the same view of this page. */
  signIn(lang: string): Promise<void> {
    return this.auth.signIn({ hash: location.hash, lang }, { lang });
  }

  signOut(lang: string): Promise<void> {
    return this.auth.signOut({ lang });
  }

  get path(): string {
    return this.page;
  }
}

/** The signed-in email of a user. */
export const emailOf = (user: User | null): string => (typeof user?.profile.email === 'string' ? user.profile.email : '');
