import { UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';

/**
 * Where to sign in, read at start from a file beside the pages: `/console/config.json` (the staff pool) or
 * `/auth/config.json` (the external pool: attorneys and doctors). Written at deploy; served by the local runtime.
 */
export interface SignInConfig {
  authority: string;
  clientId: string;
  scope?: string;
  /** A sign-out address for providers without an OIDC end-session endpoint (Cognito's `/logout`). */
  signOutUrl?: string;
}

export interface SignInPages {
  /** The configuration file's path. */
  config: string;
  /** The registered redirect URI the provider sends the browser back to. */
  callback: string;
  /** Where the browser comes back after signing out (a registered sign-out URI). */
  home: string;
}

/** What a sign-in may ask the provider: the page's language, and the address to offer (a new sign-in of the same person). */
export interface SignInRequest {
  lang?: string;
  email?: string;
}

/**
 * Sign-in with OAuth 2.0 authorization code and PKCE (oidc-client-ts), the same code against Cognito in
 * AWS and the local provider: a redirect, or a popup that leaves the page and what was typed in it as they
 * are. Tokens are kept in the tab's session storage only.
 */
export class SignIn {
  private constructor(
    private readonly manager: UserManager,
    private readonly config: SignInConfig,
  ) {}

  static async load(pages: SignInPages): Promise<SignIn> {
    const res = await fetch(pages.config, { cache: 'no-store' });
    if (!res.ok) throw new Error(`config ${res.status}`);
    const config = (await res.json()) as SignInConfig;
    const store = new WebStorageStateStore({ store: sessionStorage });
    const manager = new UserManager({
      authority: config.authority,
      client_id: config.clientId,
      redirect_uri: pages.callback,
      popup_redirect_uri: pages.callback,
      post_logout_redirect_uri: pages.home,
      response_type: 'code',
      scope: config.scope ?? 'openid email',
      userStore: store,
      stateStore: store,
      loadUserInfo: false,
      automaticSilentRenew: false,
      monitorSession: false,
    });
    return new SignIn(manager, config);
  }

  /** Whether the address carries the provider's answer to a sign-in (`code` or `error`, and `state`). */
  static isAnswer(): boolean {
    const query = new URLSearchParams(location.search);
    return query.has('state') && (query.has('code') || query.has('error'));
  }

  /**
   * Finishes the sign-in whose answer is in the address. A redirect started in this tab gives the user
   * (its `state` is what `signIn` was given). A popup's answer is handed to the page that opened the popup,
   * which finishes it, and the popup closes: undefined. Throws when the provider refused.
   */
  async finish(): Promise<User | undefined> {
    const state = new URLSearchParams(location.search).get('state') ?? '';
    // a popup's state is in its opener's storage, not in the popup's
    if (await this.manager.settings.stateStore.get(state)) return this.manager.signinCallback();
    await this.manager.signinPopupCallback();
    return undefined;
  }

  /** The signed-in user, while their ID token has more than `marginSeconds` left; else null. */
  async user(marginSeconds = 0): Promise<User | null> {
    const user = await this.manager.getUser();
    return user && !user.expired && idTokenSecondsLeft(user) > marginSeconds ? user : null;
  }

  /** Sends the browser to the provider's sign-in; `state` comes back on the user. */
  signIn(state: unknown, request: SignInRequest = {}): Promise<void> {
    return this.manager.signinRedirect({ state, ...providerArgs(request) });
  }

  /**
   * Signs in again in a popup, the page staying as it is. Call it straight from a click or key press
   * (browsers allow popups only then): the popup opens before anything is awaited.
   */
  signInPopup(request: SignInRequest = {}): Promise<User> {
    return this.manager.signinPopup({ ...providerArgs(request), popupAbortOnClose: true });
  }

  /** Forgets the tokens here, then ends the provider's session too. */
  async signOut(request: SignInRequest = {}): Promise<void> {
    const user = await this.manager.getUser();
    await this.manager.removeUser();
    await this.manager.clearStaleState();
    if (this.config.signOutUrl) {
      location.assign(this.config.signOutUrl);
      return;
    }
    await this.manager.signoutRedirect({
      ...(user ? { id_token_hint: user.id_token } : {}),
      ...(request.lang ? { extraQueryParams: { ui_locales: request.lang } } : {}),
    });
  }
}

/** Seconds until the ID token (what the API checks) expires. */
export function idTokenSecondsLeft(user: User): number {
  const exp = typeof user.profile.exp === 'number' ? user.profile.exp : 0;
  return exp - Date.now() / 1000;
}

/** The OpenID Connect `ui_locales` and `login_hint`, and Cognito managed login's own `lang`. */
function providerArgs({ lang, email }: SignInRequest) {
  return {
    ...(lang ? { ui_locales: lang, extraQueryParams: { lang } } : {}),
    ...(email ? { login_hint: email } : {}),
  };
}
