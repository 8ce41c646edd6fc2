/**
 * Undo steps of a saga: each step that succeeds registers what undoes it;
 * on the way out they run last-registered first. `C` is what the undo steps
 * learn only at the end (how the checkout closes).
 */
export class Compensations<C> {
  private readonly steps: ((closing: C) => Promise<unknown>)[] = [];

  add(step: (closing: C) => Promise<unknown>): void {
    this.steps.unshift(step);
  }

  async run(closing: C): Promise<void> {
    for (let step = this.steps.shift(); step; step = this.steps.shift()) await step(closing);
  }
}
