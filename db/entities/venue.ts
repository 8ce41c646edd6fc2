import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import type { SeatStatus, SeatType, ShowtimeStatus } from '../../core/domain.js';
import { datetime3 } from '../columns.js';
import { Movie } from './catalog.js';

@Entity({ name: 'halls' })
export class Hall {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ type: 'varchar', length: 80, unique: true })
  name!: string;

  @Column({ type: 'smallint', unsigned: true })
  rows!: number;

  @Column({ type: 'smallint', unsigned: true })
  cols!: number;
}

/** A physical seat. Grid positions without a seat are aisles. */
@Entity({ name: 'hall_seats' })
export class HallSeat {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ name: 'hall_id', type: 'int', unsigned: true })
  hallId!: number;

  @Column({ name: 'row_label', type: 'varchar', length: 4 })
  rowLabel!: string;

  @Column({ type: 'smallint', unsigned: true })
  number!: number;

  @Column({ name: 'seat_type', type: 'varchar', length: 16 })
  seatType!: SeatType;

  @Column({ name: 'grid_row', type: 'smallint', unsigned: true })
  gridRow!: number;

  @Column({ name: 'grid_col', type: 'smallint', unsigned: true })
  gridCol!: number;

  @ManyToOne(() => Hall, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'hall_id' })
  hall?: Relation<Hall>;
}

@Entity({ name: 'showtimes' })
export class Showtime {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ name: 'movie_id', type: 'int', unsigned: true })
  movieId!: number;

  @Column({ name: 'hall_id', type: 'int', unsigned: true })
  hallId!: number;

  @Column({ name: 'starts_at', ...datetime3 })
  startsAt!: Date;

  @Column({ name: 'ends_at', ...datetime3 })
  endsAt!: Date;

  @Column({ name: 'base_price', type: 'int', unsigned: true })
  basePrice!: number;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: ShowtimeStatus;

  /** Bumped in the same transaction as every seat change; clients detect gaps with it. */
  @Column({ name: 'seat_version', type: 'bigint', unsigned: true })
  seatVersion!: number;

  @Column({ name: 'created_at', ...datetime3 })
  createdAt!: Date;

  @ManyToOne(() => Movie, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'movie_id' })
  movie?: Relation<Movie>;

  @ManyToOne(() => Hall, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'hall_id' })
  hall?: Relation<Hall>;
}

/** One row per hall seat per showtime: the unit that is held and booked. */
@Entity({ name: 'show_seats' })
export class ShowSeat {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: number;

  @Column({ name: 'showtime_id', type: 'int', unsigned: true })
  showtimeId!: number;

  @Column({ name: 'hall_seat_id', type: 'int', unsigned: true })
  hallSeatId!: number;

  @Column({ type: 'int', unsigned: true })
  price!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: SeatStatus;

  @Column({ name: 'checkout_id', type: 'varchar', length: 40, nullable: true })
  checkoutId!: string | null;

  @Column({ name: 'held_until', ...datetime3, nullable: true })
  heldUntil!: Date | null;

  @Column({ name: 'booking_id', type: 'varchar', length: 40, nullable: true })
  bookingId!: string | null;

  @ManyToOne(() => Showtime, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'showtime_id' })
  showtime?: Relation<Showtime>;

  @ManyToOne(() => HallSeat, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'hall_seat_id' })
  hallSeat?: Relation<HallSeat>;
}
