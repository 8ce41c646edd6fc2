import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '../../core/domain.js';
import { datetime3 } from '../columns.js';

@Entity({ name: 'users' })
export class User {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ type: 'varchar', length: 254, unique: true })
  email!: string;

  @Column({ type: 'varchar', length: 120 })
  name!: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: Role;

  @Column({ name: 'created_at', ...datetime3 })
  createdAt!: Date;
}
