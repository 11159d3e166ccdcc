import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { mask, SecretBox } from '../common/crypto/secret-box';
import { ApiError } from '../common/errors/api-error';
import { ReadBatcher } from '../database/read-batcher';
import { PutPlatformConnectionDto, PlatformConnectionView } from './dto/platform-connection.dto';
import { PlatformConnectionEntity } from './entities/platform-connection.entity';
import { isPlatform, Platform, PLATFORMS } from './platform';
import { DEFAULT_INGEST_URLS } from './platform-defaults';

/** Decrypted, for internal use only (outputs, monitors). Never returned by the API. */
export interface PlatformCredentials {
  platform: Platform;
  channel: string | null;
  ingestUrl: string;
  streamKey: string | null;
  accessToken: string | null;
  refreshToken: string | null;
}

interface CredentialKey {
  userId: string;
  platform: Platform;
}

interface CredentialRow {
  user_id: string;
  platform: Platform;
  channel: string | null;
  ingest_url: string | null;
  stream_key_enc: string | null;
  access_token_enc: string | null;
  refresh_token_enc: string | null;
}

const credentialId = (k: CredentialKey): string => `${k.platform}:${k.userId}`;

@Injectable()
export class PlatformsService {
  constructor(
    @InjectRepository(PlatformConnectionEntity)
    private readonly repo: Repository<PlatformConnectionEntity>,
    private readonly box: SecretBox,
  ) {}

  static parsePlatform(value: string): Platform {
    if (!isPlatform(value)) {
      throw ApiError.notFound(
        'PLATFORM_UNKNOWN',
        `Unknown platform "${value}"; expected one of ${PLATFORMS.join(', ')}`,
      );
    }
    return value;
  }

  async list(userId: string): Promise<PlatformConnectionView[]> {
    const rows = await this.repo.findBy({ userId });
    return PLATFORMS.map((p) =>
      this.toView(
        p,
        rows.find((r) => r.platform === p),
      ),
    );
  }

  async put(
    userId: string,
    platform: Platform,
    dto: PutPlatformConnectionDto,
  ): Promise<PlatformConnectionView> {
    const existing = await this.repo.findOneBy({ userId, platform });
    const row = existing ?? this.repo.create({ userId, platform });
    if (dto.channel !== undefined) row.channel = dto.channel;
    if (dto.ingestUrl !== undefined) row.ingestUrl = dto.ingestUrl;
    if (dto.streamKey !== undefined) row.streamKeyEnc = this.box.seal(dto.streamKey);
    if (dto.accessToken !== undefined) row.accessTokenEnc = this.box.seal(dto.accessToken);
    if (dto.refreshToken !== undefined) row.refreshTokenEnc = this.box.seal(dto.refreshToken);
    if (dto.tokenExpiresAt !== undefined) row.tokenExpiresAt = new Date(dto.tokenExpiresAt);
    return this.toView(platform, await this.repo.save(row));
  }

  async remove(userId: string, platform: Platform): Promise<void> {
    await this.repo.delete({ userId, platform });
  }

  /** Connected for restreaming: we know where to send the stream and with which key. */
  async connectedPlatforms(userId: string): Promise<Platform[]> {
    const rows = await this.repo.findBy({ userId });
    return rows.filter((r) => r.streamKeyEnc).map((r) => r.platform);
  }

  /**
   * Decrypted credentials for outputs and monitors. Reads made in the same turn are one
   * query (a recovery starts thousands of monitors at once).
   */
  async credentials(userId: string, platform: Platform): Promise<PlatformCredentials | null> {
    const row = await this.credentialReads.load({ userId, platform });
    if (!row) return null;
    return {
      platform,
      channel: row.channel,
      ingestUrl: row.ingest_url ?? DEFAULT_INGEST_URLS[platform],
      streamKey: this.box.openOrNull(row.stream_key_enc),
      accessToken: this.box.openOrNull(row.access_token_enc),
      refreshToken: this.box.openOrNull(row.refresh_token_enc),
    };
  }

  private readonly credentialReads = new ReadBatcher<CredentialKey, CredentialRow>(
    credentialId,
    async (keys) => {
      const rows: CredentialRow[] = await this.repo.query(
        `SELECT c.user_id, c.platform, c.channel, c.ingest_url,
                c.stream_key_enc, c.access_token_enc, c.refresh_token_enc
           FROM platform_connections c
           JOIN unnest($1::text[], $2::text[]) AS k(user_id, platform)
             ON c.user_id = k.user_id AND c.platform = k.platform`,
        [keys.map((k) => k.userId), keys.map((k) => k.platform)],
      );
      return new Map(
        rows.map((r) => [credentialId({ userId: r.user_id, platform: r.platform }), r]),
      );
    },
  );

  /** A platform refreshed its OAuth tokens: keep the new ones (encrypted). */
  async saveTokens(
    userId: string,
    platform: Platform,
    tokens: { accessToken: string; refreshToken?: string; expiresAt?: string },
  ) {
    await this.repo.update(
      { userId, platform },
      {
        accessTokenEnc: this.box.seal(tokens.accessToken),
        ...(tokens.refreshToken ? { refreshTokenEnc: this.box.seal(tokens.refreshToken) } : {}),
        ...(tokens.expiresAt ? { tokenExpiresAt: new Date(tokens.expiresAt) } : {}),
      },
    );
  }

  private toView(platform: Platform, row?: PlatformConnectionEntity): PlatformConnectionView {
    return {
      platform,
      connected: Boolean(row?.streamKeyEnc),
      channel: row?.channel ?? null,
      ingestUrl: row ? (row.ingestUrl ?? DEFAULT_INGEST_URLS[platform]) : null,
      streamKey: row?.streamKeyEnc ? mask(this.box.open(row.streamKeyEnc)) : null,
      hasAccessToken: Boolean(row?.accessTokenEnc),
      hasRefreshToken: Boolean(row?.refreshTokenEnc),
      tokenExpiresAt: row?.tokenExpiresAt?.toISOString() ?? null,
      updatedAt: row?.updatedAt?.toISOString() ?? null,
    };
  }
}
