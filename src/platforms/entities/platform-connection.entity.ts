import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Platform } from '../platform';

/** A streamer's link to one platform. `*Enc` columns hold AES-256-GCM ciphertext. */
@Entity('platform_connections')
export class PlatformConnectionEntity {
  @PrimaryColumn('text') userId!: string;
  @PrimaryColumn('text') platform!: Platform;
  @Column('text', { nullable: true }) channel!: string | null;
  @Column('text', { nullable: true }) ingestUrl!: string | null;
  @Column('text', { nullable: true }) streamKeyEnc!: string | null;
  @Column('text', { nullable: true }) accessTokenEnc!: string | null;
  @Column('text', { nullable: true }) refreshTokenEnc!: string | null;
  @Column('timestamptz', { nullable: true }) tokenExpiresAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
