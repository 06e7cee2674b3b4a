/**
 * Projector mode for the whole page: large type, black on white, charts with 18 px text and layouts that
 * fit a 1280×720 or 1024×768 projector without scrolling. The header's toggle sets it and this browser
 * remembers it; a lesson link may ask for it (`projector=1`) for the page it opens, without remembering.
 */
const STORAGE_KEY = 'descent.projector';

/** Axis and legend text of charts in projector mode (CSS pixels). */
export const PROJECTOR_CHART_FONT_PX = 18;

function remembered(): boolean {
  try {
    return typeof localStorage !== 'undefined' && localStorage.getItem(STORAGE_KEY) === '1';
  } catch {
    return false;
  }
}

/** The page's theme follows at once (charts read its colours when they are built, before any effect runs). */
function applyClass(on: boolean): void {
  if (typeof document !== 'undefined') document.documentElement.classList.toggle('projector', on);
}

class ProjectorState {
  on = $state(remembered());

  constructor() {
    applyClass(this.on);
  }

  /** Turns projector mode on or off; `remember` keeps the choice for the next visit. */
  set(on: boolean, remember = true): void {
    this.on = on;
    applyClass(on);
    if (!remember) return;
    try {
      localStorage.setItem(STORAGE_KEY, on ? '1' : '0');
    } catch {
      // Storage blocked (private mode): the choice lasts for this page only.
    }
  }

  toggle(): void {
    this.set(!this.on);
  }

  /** Chart text size: 18 px in projector mode, else `normal`. */
  chartFont(normal = 12): number {
    return this.on ? PROJECTOR_CHART_FONT_PX : normal;
  }
}

export const projector = new ProjectorState();
