/** How the documents and emails write times and money. */

/** e.g. "Friday 12 December 2026, 19:30 (Europe/Berlin)": the cinema's local time, with its zone named. */
export function showtimeText(at: Date, timeZone: string): string {
  return `${showtimeFormat(timeZone).format(at)} (${timeZone})`;
}

// Building a DateTimeFormat costs far more than formatting with one, and every email and PDF page formats.
const formats = new Map<string, Intl.DateTimeFormat>();
function showtimeFormat(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' });
    formats.set(timeZone, format);
  }
  return format;
}

/** Minor units as currency, e.g. 1300 USD → "$13.00". */
export const moneyText = (minor: number, currency: string): string =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(minor / 100);
