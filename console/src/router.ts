/** Hash routes (#/find, #/verify?hash=…): the server serves one page, and links work without it. */
import { useEffect, useState } from 'preact/hooks';

export const PAGES = ['find', 'verify', 'approve', 'log', 'admin'] as const;
export type Page = (typeof PAGES)[number];

export interface Route {
  page: Page;
  params: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const page = (PAGES as readonly string[]).includes(path) ? (path as Page) : 'find';
  return { page, params: new URLSearchParams(query) };
}

export const href = (page: Page, params: Record<string, string> = {}): string => {
  const q = new URLSearchParams(params).toString();
  return `#/${page}${q ? `?${q}` : ''}`;
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
