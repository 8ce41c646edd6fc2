import { Booking, BookingSeat, MockPaymentIntent, Notification, PaymentEvent } from './booking.js';
import { Actor, Genre, Movie, MovieActor, MovieGenre } from './catalog.js';
import { User } from './user.js';
import { Hall, HallSeat, ShowSeat, Showtime } from './venue.js';

export * from './booking.js';
export * from './catalog.js';
export * from './user.js';
export * from './venue.js';

export const entities = [
  User,
  Genre,
  Actor,
  Movie,
  MovieGenre,
  MovieActor,
  Hall,
  HallSeat,
  Showtime,
  ShowSeat,
  Booking,
  BookingSeat,
  PaymentEvent,
  MockPaymentIntent,
  Notification,
];
