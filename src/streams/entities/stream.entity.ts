import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A streamer's ingest: one provider live input per user. Secrets are stored encrypted. */
@Entity('streams')
export class StreamEntity {
  @PrimaryColumn('text') userId!: string;
  @Column('text', { default: 'cloudflare' }) source!: 'cloudflare' | 'livekit';
  @Column('text', { nullable: true }) providerInputId!: string | null;
  @Column('text', { nullable: true }) rtmpsUrl!: string | null;
  @Column('text', { nullable: true }) rtmpsStreamKeyEnc!: string | null;
  @Column('text', { nullable: true }) srtUrl!: string | null;
  @Column('text', { nullable: true }) srtStreamId!: string | null;
  @Column('text', { nullable: true }) srtPassphraseEnc!: string | null;
  @Column('text', { nullable: true }) webrtcUrl!: string | null;
  @Column('jsonb', { nullable: true }) playback!: {
    hls?: string;
    dash?: string;
    webRTC?: string;
  } | null;
  @Column('text', { nullable: true }) title!: string | null;
  @Column('jsonb', { default: {} }) settings!: Record<string, unknown>;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
