/**
 * Hash routing for the app's views: `#/train`, `#/lab?surface=…` (the part after `?` is the view's own
 * state, so a link restores it). A static host needs nothing for this.
 */
export type View = 'train' | 'lab' | 'runs';

const VIEWS: readonly View[] = ['train', 'lab', 'runs'];

function parse(hash: string): { view: View; params: URLSearchParams } {
  const [path, query = ''] = hash.replace(/^#\/?/, '').split('?');
  const view = (VIEWS as readonly string[]).includes(path) ? (path as View) : 'train';
  return { view, params: new URLSearchParams(query) };
}

class Router {
  view = $state<View>('train');
  params = $state.raw<URLSearchParams>(new URLSearchParams());

  constructor() {
    if (typeof window === 'undefined') return;
    this.read();
    window.addEventListener('hashchange', () => this.read());
  }

  private read(): void {
    const { view, params } = parse(window.location.hash);
    this.view = view;
    this.params = params;
  }

  /** Shows `view`; `params` replace the view's state in the URL without adding a history entry when `replace`. */
  go(view: View, params?: URLSearchParams, replace = false): void {
    const query = params?.toString();
    const hash = `#/${view}${query ? `?${query}` : ''}`;
    if (replace) history.replaceState(null, '', hash);
    else window.location.hash = hash;
    this.view = view;
    this.params = params ?? new URLSearchParams();
  }
}

export const router = new Router();
