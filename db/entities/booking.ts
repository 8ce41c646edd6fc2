import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import type { BookingStatus, PaymentProviderName } from '../../core/domain.js';
import { datetime3 } from '../columns.js';
import { User } from './user.js';
import { Showtime } from './venue.js';

/** A booking is a checkout: its id is the checkout workflow id. */
@Entity({ name: 'bookings' })
export class Booking {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id!: string;

  @Column({ name: 'user_id', type: 'int', unsigned: true })
  userId!: number;

  @Column({ name: 'showtime_id', type: 'int', unsigned: true })
  showtimeId!: number;

  @Column({ type: 'varchar', length: 20 })
  status!: BookingStatus;

  @Column({ type: 'int', unsigned: true })
  amount!: number;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ name: 'payment_provider', type: 'varchar', length: 16 })
  paymentProvider!: PaymentProviderName;

  @Column({ name: 'payment_intent_id', type: 'varchar', length: 255, nullable: true })
  paymentIntentId!: string | null;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 255, nullable: true })
  idempotencyKey!: string | null;

  @Column({ name: 'hold_expires_at', ...datetime3 })
  holdExpiresAt!: Date;

  @Column({ type: 'varchar', length: 255, nullable: true })
  reason!: string | null;

  @Column({ name: 'created_at', ...datetime3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', ...datetime3 })
  updatedAt!: Date;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @ManyToOne(() => Showtime, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'showtime_id' })
  showtime?: Relation<Showtime>;
}

@Entity({ name: 'booking_seats' })
export class BookingSeat {
  @PrimaryColumn({ name: 'booking_id', type: 'varchar', length: 40 })
  bookingId!: string;

  @PrimaryColumn({ name: 'show_seat_id', type: 'bigint', unsigned: true })
  showSeatId!: number;

  /** Label and price as sold, kept even if the hall is later re-laid out. */
  @Column({ type: 'varchar', length: 12 })
  label!: string;

  @Column({ type: 'int', unsigned: true })
  price!: number;

  @ManyToOne(() => Booking, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'booking_id' })
  booking?: Relation<Booking>;
}

/** Every provider event we acted on, once: the unique event id is the webhook dedupe. */
@Entity({ name: 'payment_events' })
export class PaymentEvent {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: number;

  @Column({ type: 'varchar', length: 16 })
  provider!: PaymentProviderName;

  @Column({ name: 'event_id', type: 'varchar', length: 255 })
  eventId!: string;

  @Column({ type: 'varchar', length: 64 })
  type!: string;

  @Column({ name: 'payment_intent_id', type: 'varchar', length: 255, nullable: true })
  paymentIntentId!: string | null;

  @Column({ name: 'checkout_id', type: 'varchar', length: 40, nullable: true })
  checkoutId!: string | null;

  @Column({ type: 'text' })
  payload!: string;

  @Column({ name: 'received_at', ...datetime3 })
  receivedAt!: Date;
}

/** The mock provider's payment intents; they live in MySQL so every process sees them. */
@Entity({ name: 'mock_payment_intents' })
export class MockPaymentIntent {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'checkout_id', type: 'varchar', length: 40, unique: true })
  checkoutId!: string;

  @Column({ type: 'int', unsigned: true })
  amount!: number;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ type: 'varchar', length: 32 })
  status!: 'requires_payment_method' | 'succeeded' | 'canceled' | 'refunded';

  @Column({ name: 'client_secret', type: 'varchar', length: 128 })
  clientSecret!: string;

  @Column({ name: 'created_at', ...datetime3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', ...datetime3 })
  updatedAt!: Date;
}

@Entity({ name: 'notifications' })
export class Notification {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: number;

  @Column({ name: 'user_id', type: 'int', unsigned: true })
  userId!: number;

  @Column({ name: 'booking_id', type: 'varchar', length: 40 })
  bookingId!: string;

  @Column({ type: 'varchar', length: 32 })
  kind!: string;

  @Column({ type: 'varchar', length: 16 })
  channel!: string;

  @Column({ type: 'text' })
  body!: string;

  @Column({ name: 'created_at', ...datetime3 })
  createdAt!: Date;
}
