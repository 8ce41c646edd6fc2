/** How money, days and times read on the pages (the browser's locale for dates, US English for money). */

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** Minor units (cents) as currency text, e.g. 1300 → "$13.00". */
export function money(minor: number, currency = 'USD'): string {
  let f = moneyFormats.get(currency);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    moneyFormats.set(currency, f);
  }
  return f.format(minor / 100);
}

/** Minor units as an amount field shows them, e.g. 750 → "7.50" (no currency sign: the field says which). */
export const moneyInput = (minor: number): string => (minor / 100).toFixed(2);
/** An amount as typed ("7.50") in minor units. */
export const fromMoneyInput = (value: string): number => Math.round(Number(value) * 100);

/** A datetime-local input's value (local time) as an instant; null when empty. */
export const fromLocalInput = (value: string): string | null => (value ? new Date(value).toISOString() : null);

/** YYYY-MM-DD of the local day. */
export const dayKey = (d: Date): string => d.toLocaleDateString('en-CA');

export const timeText = (d: Date): string => d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** "Today", "Tomorrow" or e.g. "Fri 12 Dec" for a YYYY-MM-DD day key. */
export function dayLabel(key: string): string {
  const today = dayKey(new Date());
  const tomorrow = dayKey(new Date(Date.now() + 86_400_000));
  if (key === today) return 'Today';
  if (key === tomorrow) return 'Tomorrow';
  return new Date(`${key}T12:00:00`).toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short' });
}

/** An instant as day and time, e.g. "Tomorrow 19:30". */
export function whenText(iso: string): string {
  const d = new Date(iso);
  return `${dayLabel(dayKey(d))} ${timeText(d)}`;
}

/** "1 seat" / "3 seats". */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
