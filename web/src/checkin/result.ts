/** The answer to one scan, shown large (and said by the screen reader through the status region). */
import type { ApiResult } from '../lib/api.js';
import type { Admitted } from '../lib/api-types.js';
import { byId } from '../lib/dom.js';
import { timeText, whenText } from '../lib/format.js';

export type Outcome = 'idle' | 'busy' | 'admitted' | 'already' | 'refused';

interface ScannedDetails {
  seat?: { label?: string };
  showtime?: { startsAt?: string; movie?: { title?: string }; hall?: { name?: string } };
  booking?: { status?: string };
  checkedInAt?: string;
}

function show(outcome: Outcome, headline: string, seat: string, detail: string): void {
  const box = byId('result');
  box.dataset.outcome = outcome;
  byId('result-headline').textContent = headline;
  byId('result-seat').textContent = seat;
  byId('result-detail').textContent = detail;
}

const showtimeLine = (d: ScannedDetails): string =>
  d.showtime ? `${d.showtime.movie?.title ?? ''} · ${d.showtime.startsAt ? whenText(d.showtime.startsAt) : ''} · ${d.showtime.hall?.name ?? ''}` : '';

export const showChecking = (): void => show('busy', 'Checking…', '', '');

/** What the check-in answered, in words an usher takes in at a glance. */
export function showResult(r: ApiResult<Admitted>): Outcome {
  if (r.ok) {
    show('admitted', 'Admit', `Seat ${r.body.seat.label}`, showtimeLine(r.body));
    return 'admitted';
  }
  const d = (r.error.details ?? {}) as ScannedDetails;
  const seat = d.seat?.label ? `Seat ${d.seat.label}` : '';
  switch (r.status) {
    case 409:
      show('already', 'Already checked in', seat, `First scanned at ${d.checkedInAt ? timeText(new Date(d.checkedInAt)) : '?'} · ${showtimeLine(d)}`);
      return 'already';
    case 410:
      show('refused', 'Do not admit', seat, `${r.error.message} · ${showtimeLine(d)}`);
      return 'refused';
    case 404:
      show('refused', 'Not a valid ticket', '', 'This code is unknown or forged. Check it was typed right.');
      return 'refused';
    default:
      show('refused', 'Not checked', '', r.error.message || `The check-in failed (HTTP ${r.status}). Try again.`);
      return 'refused';
  }
}

export const resetResult = (): void => show('idle', 'Ready', '', "Scan a ticket's QR code or type its code.");
