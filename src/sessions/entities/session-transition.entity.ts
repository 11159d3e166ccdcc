import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type TransitionActor = 'user' | 'ops' | 'system';

/** Append-only log of every state change. Never updated, never deleted. */
@Entity('session_transitions')
@Index(['userId', 'id'])
export class SessionTransitionEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @Column('text') userId!: string;
  @Column('text') from!: string;
  @Column('text') to!: string;
  @Column('text') reason!: string;
  @Column('text') by!: TransitionActor;
  @Column('uuid', { nullable: true }) broadcastId!: string | null;
  @Column('timestamptz') at!: Date;
}
