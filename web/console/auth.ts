import type { User } from 'oidc-client-ts';
import { SignIn } from '../src/lib/auth.js';

let auth: SignIn | undefined;

/**
 * Loads where to sign in (`/console/config.json`), finishes a sign-in when the address is the callback
 * (and takes the code out of the address), and returns the signed-in user, or null.
 */
export async function startAuth(): Promise<User | null> {
  auth = await SignIn.load({
    config: '/console/config.json',
    callback: `${location.origin}/console/callback`,
    home: `${location.origin}/console/`,
  });
  if (location.pathname === '/console/callback') {
    try {
      const user = await auth.finish();
      const back = typeof user?.state === 'string' && user.state.startsWith('#/') ? user.state : '#/';
      history.replaceState(null, '', `/console/${back}`);
      return user ?? null;
    } catch (error) {
      history.replaceState(null, '', '/console/');
      throw error;
    }
  }
  return auth.user();
}

/** Sends the browser to the provider's sign-in, coming back to the same console page. */
export function signIn(): Promise<void> {
  return auth!.signIn(location.hash.startsWith('#/') ? location.hash : '#/');
}

/** Forgets the tokens here, then ends the provider's session too. */
export function signOut(): Promise<void> {
  return auth!.signOut();
}

/** The groups claim of the ID token (Cognito's `cognito:groups`). */
export function groupsOf(user: User): string[] {
  const raw = user.profile['cognito:groups'];
  return Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(',') : [];
}
