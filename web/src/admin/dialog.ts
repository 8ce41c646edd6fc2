/**
 * The console's confirmation dialog (a modal <dialog>: focus stays inside,
 * Escape closes it). Resolves with the reason typed, or null when the
 * operator keeps things as they are; focus goes back to what opened it.
 */
import { byId } from '../lib/dom.js';

export interface Confirmation {
  title: string;
  body: (Node | string)[];
  confirm: string;
  /** Ask for a reason (kept with the action). */
  reason?: boolean;
}

export function confirmAction(c: Confirmation): Promise<{ reason: string | undefined } | null> {
  const dialog = byId('confirm-dialog', HTMLDialogElement);
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const reason = byId('confirm-reason', HTMLInputElement);
  byId('confirm-title').textContent = c.title;
  byId('confirm-body').replaceChildren(...c.body);
  byId('confirm-ok').textContent = c.confirm;
  byId('confirm-reason-field').hidden = !c.reason;
  reason.value = '';
  return new Promise((resolve) => {
    const cancel = byId('confirm-cancel');
    const onCancel = () => dialog.close('cancel');
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener(
      'close',
      () => {
        cancel.removeEventListener('click', onCancel);
        opener?.focus();
        resolve(dialog.returnValue === 'ok' ? { reason: reason.value.trim() || undefined } : null);
      },
      { once: true },
    );
    dialog.returnValue = '';
    dialog.showModal();
    (c.reason ? reason : byId('confirm-cancel')).focus();
  });
}
