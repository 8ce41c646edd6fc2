import {
  Column,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { datetime3 } from '../columns.js';

@Entity({ name: 'genres' })
export class Genre {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ type: 'varchar', length: 60, unique: true })
  name!: string;
}

@Entity({ name: 'actors' })
export class Actor {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ type: 'varchar', length: 120 })
  name!: string;
}

@Entity({ name: 'movies' })
export class Movie {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'text' })
  synopsis!: string;

  @Column({ name: 'runtime_min', type: 'smallint', unsigned: true })
  runtimeMin!: number;

  @Column({ type: 'varchar', length: 8 })
  rating!: string;

  @Column({ name: 'poster_url', type: 'varchar', length: 500, nullable: true })
  posterUrl!: string | null;

  @Column({ name: 'release_date', type: 'date' })
  releaseDate!: string;

  @Column({ name: 'available_from', ...datetime3 })
  availableFrom!: Date;

  @Column({ name: 'available_until', ...datetime3 })
  availableUntil!: Date;

  @Column({ name: 'created_at', ...datetime3 })
  createdAt!: Date;
}

@Entity({ name: 'movie_genres' })
export class MovieGenre {
  @PrimaryColumn({ name: 'movie_id', type: 'int', unsigned: true })
  movieId!: number;

  @PrimaryColumn({ name: 'genre_id', type: 'int', unsigned: true })
  genreId!: number;

  @ManyToOne(() => Movie, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'movie_id' })
  movie?: Relation<Movie>;

  @ManyToOne(() => Genre, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'genre_id' })
  genre?: Relation<Genre>;
}

@Entity({ name: 'movie_actors' })
export class MovieActor {
  @PrimaryColumn({ name: 'movie_id', type: 'int', unsigned: true })
  movieId!: number;

  @PrimaryColumn({ name: 'actor_id', type: 'int', unsigned: true })
  actorId!: number;

  @Column({ name: 'billing_order', type: 'smallint', unsigned: true })
  billingOrder!: number;

  @ManyToOne(() => Movie, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'movie_id' })
  movie?: Relation<Movie>;

  @ManyToOne(() => Actor, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'actor_id' })
  actor?: Relation<Actor>;
}
