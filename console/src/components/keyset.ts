/**
 * Keyset paging over an API listing: each page is fetched with the previous page's next_page_token;
 * going back reuses the tokens already seen (the API has no offsets).
 */
import { useRef, useState } from 'preact/hooks';
import { message } from './ui.js';

export type Fetcher<T> = (pageToken: string | undefined) => Promise<{ items: T[]; next: string | null; total?: number }>;

export interface Keyset<T> {
  items?: T[];
  total?: number;
  page: number;
  hasNext: boolean;
  busy: boolean;
  error?: string;
  /** a new search: back to page 1 with this fetcher */
  search(fetcher: Fetcher<T>): Promise<void>;
  next(): Promise<void>;
  prev(): Promise<void>;
  reload(): Promise<void>;
}

export function useKeyset<T>(): Keyset<T> {
  const fetcher = useRef<Fetcher<T> | undefined>(undefined);
  const tokens = useRef<(string | undefined)[]>([undefined]);
  const [state, setState] = useState<{ items?: T[]; total?: number; page: number; next: string | null; busy: boolean; error?: string }>({
    page: 1,
    next: null,
    busy: false,
  });

  const load = async (page: number) => {
    const f = fetcher.current;
    if (!f) return;
    setState((s) => ({ ...s, busy: true, error: undefined }));
    try {
      const r = await f(tokens.current[page - 1]);
      tokens.current[page] = r.next ?? undefined;
      setState({ items: r.items, total: r.total, page, next: r.next, busy: false });
    } catch (err) {
      setState((s) => ({ ...s, busy: false, error: message(err) }));
    }
  };

  return {
    items: state.items,
    total: state.total,
    page: state.page,
    hasNext: state.next !== null,
    busy: state.busy,
    error: state.error,
    search: async (f) => {
      fetcher.current = f;
      tokens.current = [undefined];
      await load(1);
    },
    next: () => load(state.page + 1),
    prev: () => load(Math.max(1, state.page - 1)),
    reload: () => load(state.page),
  };
}
