import { seatLabel, AISLE, LayoutSymbols, MAX_HALL_COLS, MAX_HALL_ROWS } from '../../../core/hall-layout.js';
import { SeatTypePricePercent, seatPrice } from '../../../core/domain.js';
import { route } from '../../route.js';
import { LayoutPreviewBody, LayoutPreviewSchema, LayoutRulesSchema } from '../../schemas/admin.js';
import { gridOf } from './halls.js';
import { tags } from './support.js';

/**
 * What the hall designer draws with, from the one parser the writes use
 * (core/hall-layout.ts): the symbols and limits, and a dry run that answers
 * the grid as a buyer's seat map, or the same 400 the real write would.
 */
export const adminHallLayoutRoutes = [
  route({
    method: 'get',
    path: '/admin/hall-layouts/rules',
    summary: 'The layout symbols (seat types, aisle) and size limits a hall layout is written in',
    tags,
    auth: 'admin',
    responses: { 200: { description: 'The rules', schema: LayoutRulesSchema } },
    handler: async () => ({
      body: {
        aisle: AISLE,
        symbols: Object.entries(LayoutSymbols).map(([symbol, seatType]) => ({ symbol, seatType, pricePercent: SeatTypePricePercent[seatType] })),
        maxRows: MAX_HALL_ROWS,
        maxCols: MAX_HALL_COLS,
      },
    }),
  }),

  route({
    method: 'post',
    path: '/admin/hall-layouts/preview',
    summary: 'Check a layout without saving it: the seats a showtime in such a hall would show, or every problem',
    tags,
    auth: 'admin',
    body: LayoutPreviewBody,
    responses: { 200: { description: 'The layout is usable; its seats as a seat map shows them', schema: LayoutPreviewSchema } },
    handler: async ({ body }) => {
      const grid = gridOf(body.layout);
      return {
        body: {
          rows: grid.rows,
          cols: grid.cols,
          seatCount: grid.seats.length,
          currency: body.currency,
          seats: grid.seats.map((s, i) => ({
            id: i + 1,
            label: seatLabel(s.rowLabel, s.number),
            row: s.rowLabel,
            number: s.number,
            type: s.seatType,
            price: seatPrice(body.basePrice, s.seatType),
            status: 'available' as const,
            gridRow: s.gridRow,
            gridCol: s.gridCol,
          })),
        },
      };
    },
  }),
];
