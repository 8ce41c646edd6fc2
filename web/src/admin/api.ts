/** The console's typed client of the admin API (/api/v1/admin), built on the pages' shared requester. */
import { createRequester, type ApiClientOptions } from '../lib/api.js';
import type { AuthResult, LoginRequest, MoviePage, MovieQuery, UserEnvelope } from '../lib/api-types.js';
import type {
  AdminAction,
  AdminBookingDetail,
  AdminBookingPage,
  AdminBookingQuery,
  AdminShowtimeQuery,
  AuditPage,
  AuditQuery,
  HallCreate,
  HallDetail,
  Hall,
  HallPage,
  HallPatch,
  LayoutPreview,
  LayoutPreviewRequest,
  LayoutRules,
  OccupancyByDayReport,
  PromoCode,
  PromoCodeInput,
  PromoCodePage,
  PromoCodePatch,
  PromoCodeQuery,
  TicketType,
  TicketTypeList,
  TicketTypePatch,
  OccupancyReport,
  PopularReport,
  RevenueReport,
  RoleChange,
  SalesReport,
  ShowtimeCancelled,
  ShowtimeCancelRequest,
  ShowtimeCreate,
  ShowtimePatch,
  UserPage,
  UserQuery,
} from './types.js';
import type { Showtime, ShowtimePage } from '../lib/api-types.js';

type Query = Record<string, string | number | boolean | undefined>;
/** A search as a form gives it: the API's own query names, values as typed (the API validates them and says what is wrong). */
export type Search<T> = { [K in keyof T]?: string | number };

export const queryString = (query: Query): string => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
};

const id = (value: string | number): string => encodeURIComponent(String(value));

/** The reports, by path under /admin/reports, with the answer each gives. */
export interface Reports {
  occupancy: OccupancyReport;
  'occupancy-by-day': OccupancyByDayReport;
  revenue: RevenueReport;
  popular: PopularReport;
  sales: SalesReport;
}
export type ReportName = keyof Reports;

export function createAdminClient(opts: ApiClientOptions) {
  const { request, download } = createRequester(opts);
  return {
    login: (body: LoginRequest) => request<AuthResult>('POST', '/auth/login', body),
    me: () => request<UserEnvelope>('GET', '/auth/me'),
    movies: (query: MovieQuery) => request<MoviePage>('GET', `/movies${queryString(query)}`),

    layoutRules: () => request<LayoutRules>('GET', '/admin/hall-layouts/rules'),
    previewLayout: (body: LayoutPreviewRequest) => request<LayoutPreview>('POST', '/admin/hall-layouts/preview', body),
    halls: (query: { limit?: number; offset?: number } = {}) => request<HallPage>('GET', `/admin/halls${queryString(query)}`),
    hall: (hallId: number) => request<HallDetail>('GET', `/admin/halls/${id(hallId)}`),
    createHall: (body: HallCreate) => request<Hall>('POST', '/admin/halls', body),
    updateHall: (hallId: number, body: HallPatch) => request<Hall>('PATCH', `/admin/halls/${id(hallId)}`, body),

    showtimes: (query: AdminShowtimeQuery) => request<ShowtimePage>('GET', `/admin/showtimes${queryString(query)}`),
    createShowtime: (body: ShowtimeCreate) => request<Showtime>('POST', '/admin/showtimes', body),
    moveShowtime: (showtimeId: number, body: ShowtimePatch) => request<Showtime>('PATCH', `/admin/showtimes/${id(showtimeId)}`, body),
    cancelShowtime: (showtimeId: number, body: ShowtimeCancelRequest) => request<ShowtimeCancelled>('POST', `/admin/showtimes/${id(showtimeId)}/cancel`, body),

    bookings: (query: Search<AdminBookingQuery>) => request<AdminBookingPage>('GET', `/admin/bookings${queryString(query)}`),
    booking: (bookingId: string) => request<AdminBookingDetail>('GET', `/admin/bookings/${id(bookingId)}`),
    /** 200: refunded; 202: the refund is still running. */
    cancelBooking: (bookingId: string, body: AdminAction) => request<AdminBookingDetail>('POST', `/admin/bookings/${id(bookingId)}/cancel`, body),
    /** 200: released; 202: the workflow is still releasing. */
    releaseBooking: (bookingId: string, body: AdminAction) => request<AdminBookingDetail>('POST', `/admin/bookings/${id(bookingId)}/release`, body),

    ticketTypes: () => request<TicketTypeList>('GET', '/admin/ticket-types'),
    updateTicketType: (code: string, body: TicketTypePatch) => request<TicketType>('PATCH', `/admin/ticket-types/${id(code)}`, body),

    promoCodes: (query: Search<PromoCodeQuery>) => request<PromoCodePage>('GET', `/admin/promo-codes${queryString(query)}`),
    createPromoCode: (body: PromoCodeInput) => request<PromoCode>('POST', '/admin/promo-codes', body),
    updatePromoCode: (promoId: number, body: PromoCodePatch) => request<PromoCode>('PATCH', `/admin/promo-codes/${id(promoId)}`, body),
    /** 204: deleted; 200: it was redeemed, so it is kept, deactivated (the body). */
    deletePromoCode: (promoId: number) => request<PromoCode | null>('DELETE', `/admin/promo-codes/${id(promoId)}`),

    users: (query: Search<UserQuery>) => request<UserPage>('GET', `/admin/users${queryString(query)}`),
    setRole: (userId: number, body: RoleChange) => request<UserEnvelope>('PUT', `/admin/users/${id(userId)}/role`, body),

    audit: (query: Search<AuditQuery>) => request<AuditPage>('GET', `/admin/audit${queryString(query)}`),

    report: <R extends ReportName>(name: R, query: Query) => request<Reports[R]>('GET', `/admin/reports/${name}${queryString(query)}`),
    /** The same report as a CSV file. */
    reportCsv: (name: ReportName, query: Query) => download(`/admin/reports/${name}${queryString({ ...query, format: 'csv' })}`, 'text/csv'),
  };
}

export type AdminClient = ReturnType<typeof createAdminClient>;
