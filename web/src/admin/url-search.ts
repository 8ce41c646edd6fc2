/**
 * Searches kept in the URL (#/bookings?email=…): a form's named fields are
 * filled from the hash's query, and submitting the form writes them there,
 * so a result can be shared and the back button returns to it.
 */
import { queryString } from './api.js';

type Control = HTMLInputElement | HTMLSelectElement;
const control = (form: HTMLFormElement, name: string): Control => form.elements.namedItem(name) as Control;

/** The search in the URL: each field's value, or undefined when empty. */
export const searchOf = <F extends string>(fields: readonly F[], params: URLSearchParams): Record<F, string | undefined> =>
  Object.fromEntries(fields.map((f) => [f, params.get(f) || undefined])) as Record<F, string | undefined>;

export function fillFields(form: HTMLFormElement, fields: readonly string[], params: URLSearchParams): void {
  for (const name of fields) control(form, name).value = params.get(name) ?? '';
}

/** Submitting the form goes to `route` with its fields as the query (a new search starts at the first page). */
export function submitToHash(form: HTMLFormElement, fields: readonly string[], route: string): void {
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = `${route}${queryString(Object.fromEntries(fields.map((f) => [f, control(form, f).value.trim() || undefined])))}`;
  });
}

/** The hash of another page of the same search. */
export const pageHash = (route: string, search: Record<string, string | undefined>, offset: number): string => `${route}${queryString({ ...search, offset: offset || undefined })}`;
