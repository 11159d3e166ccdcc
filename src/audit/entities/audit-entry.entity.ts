import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Who did what to which session, and when. Append-only. */
@Entity('audit_log')
@Index(['at'])
export class AuditEntryEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @Column('text') actorId!: string;
  @Column('text') actorRole!: string;
  @Column('text') action!: string;
  @Column('text', { nullable: true }) targetUserId!: string | null;
  @Column('jsonb', { default: {} }) details!: Record<string, unknown>;
  @Column('text', { default: 'ok' }) outcome!: string;
  @Column('timestamptz', { default: () => 'now()' }) at!: Date;
}
