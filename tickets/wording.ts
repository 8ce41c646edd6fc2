/** How the documents and emails write times and money. */

/** e.g. "Friday 12 December 2026, 19:30 (Europe/Berlin)": the cinema's local time, with its zone named. */
export function showtimeText(at: Date, timeZone: string): string {
  const text = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(at);
  return `${text} (${timeZone})`;
}

/** Minor units as currency, e.g. 1300 USD → "$13.00". */
export const moneyText = (minor: number, currency: string): string =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(minor / 100);
