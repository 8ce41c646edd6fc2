import { AxeBuilder } from '@axe-core/playwright';
import type { Result } from 'axe-core';
import { expect } from 'chai';
import type { Page } from 'playwright-core';

const BLOCKING = new Set(['serious', 'critical']);

const describeViolation = (v: Result): string =>
  `${v.id} (${v.impact}): ${v.help} at ${v.nodes
    .slice(0, 5)
    .map((n) => n.target.join(' '))
    .join(', ')}${v.nodes.length > 5 ? ` and ${v.nodes.length - 5} more` : ''}`;

/**
 * Runs axe-core (every rule it ships, WCAG 2.x A/AA and best practices) on
 * what `page` shows now and fails on any serious or critical violation,
 * naming the rule and the elements. `view` names the screen in the message.
 */
export async function expectAccessible(page: Page, view: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const blocking = results.violations.filter((v) => v.impact && BLOCKING.has(v.impact));
  expect(blocking.map(describeViolation), `accessibility of ${view}`).to.deep.equal([]);
}
