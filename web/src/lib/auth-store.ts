/**
 * The signed-in user's API token, kept in localStorage so that a reload or a
 * second tab stays signed in. One key for every page of the site.
 */
const TOKEN_KEY = 'marquee.token';

export const tokenStore = {
  get: (): string | null => localStorage.getItem(TOKEN_KEY),
  set: (token: string): void => localStorage.setItem(TOKEN_KEY, token),
  clear: (): void => localStorage.removeItem(TOKEN_KEY),
};
