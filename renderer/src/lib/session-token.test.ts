import { describe, expect, it } from 'vitest';
import { takeSessionToken, TOKEN_KEY, type TokenPlace } from './session-token';

/** A tab: its address, its history entry and its sessionStorage, which a reload keeps. */
function tab(address: string, storage = new Map<string, string>()) {
  const url = new URL(address);
  const replaced: string[] = [];
  const place: TokenPlace = {
    location: { pathname: url.pathname, search: url.search, hash: url.hash },
    history: {
      state: { view: 1 },
      replaceState: (_state, _unused, next) => replaced.push(next),
    },
    storage: {
      getItem: (key) => storage.get(key) ?? null,
      setItem: (key, value) => void storage.set(key, value),
    },
  };
  return { place, replaced, storage };
}

describe('takeSessionToken', () => {
  it('takes the token out of the address, keeping the view, and finds it again on reload', () => {
    const first = tab('http://127.0.0.1:4000/?token=abc-123#retention');
    expect(takeSessionToken(first.place)).toBe('abc-123');
    expect(first.replaced).toEqual(['/#retention']);
    expect(first.storage.get(TOKEN_KEY)).toBe('abc-123');

    // The reload loads the address as replaced: no token in it, the same tab's storage.
    const reload = tab('http://127.0.0.1:4000/#retention', first.storage);
    expect(takeSessionToken(reload.place)).toBe('abc-123');
    expect(reload.replaced).toEqual([]);
  });

  it('keeps other query parameters, and prefers a new token in the address to a stored one', () => {
    const storage = new Map([[TOKEN_KEY, 'old']]);
    const t = tab('http://127.0.0.1:4000/?a=1&token=new&b=2', storage);
    expect(takeSessionToken(t.place)).toBe('new');
    expect(t.replaced).toEqual(['/?a=1&b=2']);
    expect(storage.get(TOKEN_KEY)).toBe('new');
  });

  it('has no token to give a fresh tab opened without one', () => {
    expect(takeSessionToken(tab('http://127.0.0.1:4000/').place)).toBeNull();
  });

  it('still works when storage is refused, for this page at least', () => {
    const t = tab('http://127.0.0.1:4000/?token=abc');
    t.place.storage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('SecurityError');
      },
    };
    expect(takeSessionToken(t.place)).toBe('abc');
    expect(t.replaced).toEqual(['/']);
    t.place.location.search = '';
    expect(takeSessionToken(t.place)).toBeNull();
  });
});
