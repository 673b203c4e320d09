/** Where the token waits for a reload: this tab only, gone when the tab closes. */
export const TOKEN_KEY = 'workbench.sessionToken';

/** The parts of `window` the token handling touches (tests pass fakes). */
export interface TokenPlace {
  location: { pathname: string; search: string; hash: string };
  history: { state: unknown; replaceState(state: unknown, unused: string, url: string): void };
  storage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
}

/**
 * Browser mode's session token, taken out of the address bar. `npm run web` prints a URL with
 * `?token=`; left there it would sit in the history, be bookmarked, shared in a screenshot or a
 * pasted link. So the page keeps it in sessionStorage (a reload — whose address no longer has it —
 * still finds it there; a new tab needs the printed URL again) and replaces the address with the
 * same one without the token, hash (the view) kept. A token in the address wins over a stored
 * one: it is the newest, e.g. a restarted server on the same port.
 */
export function takeSessionToken(place: TokenPlace): string | null {
  const params = new URLSearchParams(place.location.search);
  const fromUrl = params.get('token');
  if (fromUrl === null || fromUrl === '') return stored(place);
  try {
    place.storage.setItem(TOKEN_KEY, fromUrl);
  } catch {
    // Storage refused (a privacy mode): this page still works; a reload needs the URL again.
  }
  params.delete('token');
  const query = params.toString();
  const { pathname, hash } = place.location;
  place.history.replaceState(
    place.history.state,
    '',
    `${pathname}${query === '' ? '' : `?${query}`}${hash}`,
  );
  return fromUrl;
}

function stored(place: TokenPlace): string | null {
  try {
    const token = place.storage.getItem(TOKEN_KEY);
    return token === '' ? null : token;
  } catch {
    return null;
  }
}
