import { expect } from 'chai';
import { parseHallLayout } from '../../core/hall-layout.js';

describe('hall layout', () => {
  it('numbers seats left to right, skipping aisles, rows from A at the front', () => {
    const grid = parseHallLayout(['AR.RA', 'PP.VV']);
    if ('problems' in grid) throw new Error(grid.problems.join());
    expect(grid.rows).to.equal(2);
    expect(grid.cols).to.equal(5);
    expect(grid.seats.map((s) => `${s.rowLabel}${s.number}:${s.seatType}@${s.gridCol}`)).to.deep.equal([
      'A1:accessible@0',
      'A2:regular@1',
      'A3:regular@3',
      'A4:accessible@4',
      'B1:premium@0',
      'B2:premium@1',
      'B3:vip@3',
      'B4:vip@4',
    ]);
  });

  it('reports ragged rows, unknown symbols and empty halls', () => {
    const bad = parseHallLayout(['RRR', 'RX']);
    expect(bad).to.have.property('problems').that.deep.equal([
      'row B has 2 columns; every row needs 3',
      'row B column 2: unknown symbol "X" (use R, P, V, A, C or .)',
    ]);
    expect(parseHallLayout(['...'])).to.deep.equal({ problems: ['layout has no seats'] });
    expect(parseHallLayout([])).to.deep.equal({ problems: ['layout needs at least one row'] });
  });
});
