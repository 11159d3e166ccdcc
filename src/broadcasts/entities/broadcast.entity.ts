import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { Platform } from '../../platforms/platform';

/** One go-live, from Start to cleaned up. Its id is fixed before any provider call. */
@Entity('broadcasts')
@Index(['userId', 'startedAt'])
export class BroadcastEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') userId!: string;
  @Column('text', { default: '' }) title!: string;
  @Column('text', { array: true, default: () => "'{}'" }) platforms!: Platform[];
  @Column('timestamptz') startedAt!: Date;
  @Column('timestamptz', { nullable: true }) endedAt!: Date | null;
  @Column('text', { nullable: true }) endReason!: string | null;
  @Column('integer', { default: 0 }) peakViewers!: number;
  @Column('integer', { default: 0 }) chatCount!: number;
  @Column('text', { nullable: true }) recordingVideoId!: string | null;
  @Column('jsonb', { nullable: true }) recording!: {
    hls?: string;
    dash?: string;
    thumbnail?: string;
  } | null;
}
