import { UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';

/** Where to sign in, read at start from `/console/config.json` (written at deploy; served by the local runtime). */
export interface ConsoleConfig {
  authority: string;
  clientId: string;
  scope?: string;
  /** A sign-out address for providers without an OIDC end-session endpoint (Cognito's `/logout`). */
  signOutUrl?: string;
}

let manager: UserManager | undefined;
let config: ConsoleConfig | undefined;

/**
 * Loads the configuration, finishes a sign-in when the address is the callback (and takes the code out
 * of the address), and returns the signed-in user, or null. Tokens are kept in session storage only.
 */
export async function startAuth(): Promise<User | null> {
  const res = await fetch('/console/config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`config ${res.status}`);
  config = (await res.json()) as ConsoleConfig;
  const store = new WebStorageStateStore({ store: sessionStorage });
  manager = new UserManager({
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: `${location.origin}/console/callback`,
    post_logout_redirect_uri: `${location.origin}/console/`,
    response_type: 'code',
    scope: config.scope ?? 'openid email',
    userStore: store,
    stateStore: store,
    loadUserInfo: false,
    automaticSilentRenew: false,
    monitorSession: false,
  });
  if (location.pathname === '/console/callback') {
    try {
      const user = await manager.signinRedirectCallback();
      const back = typeof user.state === 'string' && user.state.startsWith('#/') ? user.state : '#/';
      history.replaceState(null, '', `/console/${back}`);
      return user;
    } catch (error) {
      history.replaceState(null, '', '/console/');
      throw error;
    }
  }
  const user = await manager.getUser();
  return user && !user.expired ? user : null;
}

/** Sends the browser to the provider's sign-in, coming back to the same console page. */
export function signIn(): Promise<void> {
  return manager!.signinRedirect({ state: location.hash.startsWith('#/') ? location.hash : '#/' });
}

/** Forgets the tokens here, then ends the provider's session too. */
export async function signOut(): Promise<void> {
  const user = await manager!.getUser();
  await manager!.removeUser();
  await manager!.clearStaleState();
  if (config?.signOutUrl) {
    location.assign(config.signOutUrl);
    return;
  }
  await manager!.signoutRedirect(user ? { id_token_hint: user.id_token } : {});
}

/** The groups claim of the ID token (Cognito's `cognito:groups`). */
export function groupsOf(user: User): string[] {
  const raw = user.profile['cognito:groups'];
  return Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(',') : [];
}
