const STORAGE_KEY = "pager.api-key";

/**
 * The API key of this tab. sessionStorage, not localStorage: the key is gone
 * when the tab closes, and other tabs do not share it.
 */
export const session = {
  read(): string | null {
    return window.sessionStorage.getItem(STORAGE_KEY);
  },
  save(secret: string): void {
    window.sessionStorage.setItem(STORAGE_KEY, secret);
  },
  clear(): void {
    window.sessionStorage.removeItem(STORAGE_KEY);
  },
};
