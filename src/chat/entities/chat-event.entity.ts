import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { Platform } from '../../platforms/platform';

export type ChatEventType = 'message' | 'donation' | 'subscription' | 'raid' | 'follow' | 'system';

@Entity('chat_events')
@Index(['userId', 'at'])
export class ChatEventEntity {
  /** Derived from (userId, platform, platformMessageId): see chatEventId. */
  @PrimaryColumn('uuid') id!: string;
  @Column('text') userId!: string;
  @Column('uuid', { nullable: true }) broadcastId!: string | null;
  @Column('text') platform!: Platform;
  @Column('text') type!: ChatEventType;
  @Column('jsonb') author!: { id: string; name: string; badges: string[] };
  @Column('text', { default: '' }) text!: string;
  @Column('jsonb', { nullable: true }) amount!: { value: number; currency: string } | null;
  @Column('text') platformMessageId!: string;
  @Column('timestamptz') at!: Date;
}
