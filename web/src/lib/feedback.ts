/**
 * What a page tells its user: a short-lived visible notice (#notice, a
 * role="alert" region) and screen-reader announcements (#announcer, a polite
 * live region). Every page has both elements.
 */
import { byId } from './dom.js';

export type NoticeKind = 'info' | 'ok' | 'error';

/** Says `text` through the live region; clearing first makes a repeated text be read again. */
export function announce(text: string): void {
  const region = byId('announcer');
  region.textContent = '';
  setTimeout(() => (region.textContent = text), 30);
}

let noticeTimer: ReturnType<typeof setTimeout> | undefined;

/** Shows `text` for `ms` milliseconds (0: until replaced); an empty text hides the notice. */
export function notice(text: string, kind: NoticeKind = 'info', ms = 8000): void {
  const n = byId('notice');
  clearTimeout(noticeTimer);
  if (!text) {
    n.hidden = true;
    return;
  }
  n.textContent = text;
  n.dataset.kind = kind;
  n.hidden = false;
  if (ms) noticeTimer = setTimeout(() => (n.hidden = true), ms);
}
