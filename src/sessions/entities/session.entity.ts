import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The durable half of a session actor. Written with every transition, so a restarted
 * process can rebuild the actor (through reconcile) and resume its deadlines.
 */
@Entity('sessions')
export class SessionEntity {
  @PrimaryColumn('text') userId!: string;
  @Column('text') state!: 'offline' | 'ready' | 'streaming' | 'ending';
  @Column('text', { nullable: true }) substate!: string | null;
  @Column('timestamptz') stateSince!: Date;
  /** The user is signed in (POST /api/session) and wants a supervisor. */
  @Column('boolean', { default: false }) active!: boolean;
  @Column('text', { nullable: true }) ownerNode!: string | null;
  /** Until when `ownerNode` holds the session; another node may claim it after that. */
  @Column('timestamptz', { nullable: true }) leaseExpiresAt!: Date | null;
  /** Bumped on every claim; a write carrying an older epoch is fenced off. */
  @Column('bigint', { default: 0 }) ownerEpoch!: string;
  @Column('text', { nullable: true }) inputStatus!: string | null;
  @Column('timestamptz', { nullable: true }) inputLastSeenAt!: Date | null;
  @Column('timestamptz', { nullable: true }) graceEndsAt!: Date | null;
  @Column('uuid', { nullable: true }) broadcastId!: string | null;
  @Column('text', { nullable: true }) endReason!: string | null;
  @Column('integer', { default: 0 }) cleanupAttempts!: number;
  @Column('text', { nullable: true }) failedReason!: string | null;
  @Column('timestamptz', { nullable: true }) lastReconciledAt!: Date | null;
  @Column('integer', { default: 0 }) version!: number;
  @Column('timestamptz', { default: () => 'now()' }) updatedAt!: Date;
}
