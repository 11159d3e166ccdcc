import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { Platform } from '../../platforms/platform';

export type OutputStatus = 'pending' | 'active' | 'failed' | 'removing' | 'removed';

/**
 * A live output's intent, written before the provider is called. The row's id is sent
 * to the provider (in the output's URL fragment or metadata) so reconcile can match a
 * provider output to its intent after a crash, and never create a second one.
 */
@Entity('outputs')
@Index(['broadcastId', 'platform'], { unique: true })
@Index('outputs_open_by_user', ['userId'], { where: `status <> 'removed'` })
export class OutputEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid') broadcastId!: string;
  @Column('text') userId!: string;
  @Column('text') platform!: Platform;
  @Column('boolean', { default: true }) enabled!: boolean;
  @Column('text') status!: OutputStatus;
  @Column('text', { nullable: true }) providerOutputId!: string | null;
  @Column('text', { nullable: true }) lastError!: string | null;
  @Column('integer', { default: 0 }) attempts!: number;
  @Column('timestamptz', { default: () => 'now()' }) createdAt!: Date;
  @Column('timestamptz', { default: () => 'now()' }) updatedAt!: Date;
}
