/**
 * What the console sends to and gets from the admin API, taken from the zod
 * schemas that validate it on the server. Types only.
 */
import type { z } from 'zod';
import type { AuditResources } from '../../../core/audit.js';
import type { AdminActionBody, AdminBookingDetail as AdminBookingDetailSchema } from '../../../api/schemas/admin-bookings.js';
import type {
  HallCreateBody,
  HallDetailSchema,
  HallPage as HallPageSchema,
  HallPatchBody,
  HallSchema,
  LayoutPreviewBody,
  LayoutPreviewSchema,
  LayoutRulesSchema,
  RoleBody,
  ShowtimeCreateBody,
  ShowtimePatchBody,
  AdminShowtimeQuery as AdminShowtimeQuerySchema,
  UserPage as UserPageSchema,
  UserQuery as UserQuerySchema,
} from '../../../api/schemas/admin.js';
import type { AuditPage as AuditPageSchema, AuditQuery as AuditQuerySchema } from '../../../api/schemas/audit.js';
import type {
  PromoCodeCreateBody,
  PromoCodePage as PromoCodePageSchema,
  PromoCodePatchBody,
  PromoCodeQuery as PromoCodeQuerySchema,
  PromoCodeSchema,
  TicketTypeList as TicketTypeListSchema,
  TicketTypePatchBody,
  TicketTypeSchema,
} from '../../../api/schemas/pricing.js';
import type { AdminBooking as AdminBookingSchema, AdminBookingListQuery, ShowtimeCancelled as ShowtimeCancelledSchema, CancelBody } from '../../../api/schemas/checkout.js';
import type { page } from '../../../api/schemas/common.js';
import type {
  OccupancyByDayReport as OccupancyByDayReportSchema,
  OccupancyReport as OccupancyReportSchema,
  PopularReport as PopularReportSchema,
  RevenueReport as RevenueReportSchema,
  SalesReport as SalesReportSchema,
} from '../../../api/schemas/reports.js';

export type Hall = z.output<typeof HallSchema>;
export type HallDetail = z.output<typeof HallDetailSchema>;
export type HallPage = z.output<typeof HallPageSchema>;
export type HallCreate = z.input<typeof HallCreateBody>;
export type HallPatch = z.input<typeof HallPatchBody>;
export type LayoutRules = z.output<typeof LayoutRulesSchema>;
export type LayoutPreviewRequest = z.input<typeof LayoutPreviewBody>;
export type LayoutPreview = z.output<typeof LayoutPreviewSchema>;

export type ShowtimeCreate = z.input<typeof ShowtimeCreateBody>;
export type ShowtimePatch = z.input<typeof ShowtimePatchBody>;
export type AdminShowtimeQuery = Partial<z.output<typeof AdminShowtimeQuerySchema>>;
export type ShowtimeCancelRequest = z.input<typeof CancelBody>;
export type ShowtimeCancelled = z.output<typeof ShowtimeCancelledSchema>;

export type AdminBooking = z.output<typeof AdminBookingSchema>;
export type AdminBookingPage = z.output<ReturnType<typeof page<typeof AdminBookingSchema>>>;
export type AdminBookingQuery = Partial<z.output<typeof AdminBookingListQuery>>;
export type AdminBookingDetail = z.output<typeof AdminBookingDetailSchema>;
export type AdminAction = z.input<typeof AdminActionBody>;

export type UserQuery = Partial<z.output<typeof UserQuerySchema>>;
export type UserPage = z.output<typeof UserPageSchema>;
export type RoleChange = z.input<typeof RoleBody>;

export type TicketType = z.output<typeof TicketTypeSchema>;
export type TicketTypeList = z.output<typeof TicketTypeListSchema>;
export type TicketTypePatch = z.input<typeof TicketTypePatchBody>;

export type PromoCode = z.output<typeof PromoCodeSchema>;
export type PromoCodePage = z.output<typeof PromoCodePageSchema>;
export type PromoCodeQuery = Partial<z.output<typeof PromoCodeQuerySchema>>;
export type PromoCodeInput = z.input<typeof PromoCodeCreateBody>;
export type PromoCodePatch = z.input<typeof PromoCodePatchBody>;

export type AuditQuery = Partial<z.output<typeof AuditQuerySchema>>;
export type AuditPage = z.output<typeof AuditPageSchema>;
export type AuditEntry = AuditPage['items'][number];
export type AuditResource = (typeof AuditResources)[number];

export type OccupancyReport = z.output<typeof OccupancyReportSchema>;
export type OccupancyByDayReport = z.output<typeof OccupancyByDayReportSchema>;
export type RevenueReport = z.output<typeof RevenueReportSchema>;
export type PopularReport = z.output<typeof PopularReportSchema>;
export type SalesReport = z.output<typeof SalesReportSchema>;
