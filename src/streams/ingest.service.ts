import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { CLOUDFLARE_STREAM, CloudflareStreamPort, LiveInput } from '../../libs/cloudflare';
import { mask, SecretBox } from '../common/crypto/secret-box';
import { ApiError } from '../common/errors/api-error';
import { isDatabaseUnavailable } from '../database/database-errors';
import { entityFromJson } from '../database/json-entity';
import { StreamEntity } from './entities/stream.entity';
import { IngestView } from './ingest.view';

/** Rows kept in memory for reads while the database is unreachable. */
const KNOWN_MAX = 20_000;

/**
 * Each streamer has one Cloudflare live input, created on first activation. Its
 * credentials are stored encrypted; the API shows them masked unless revealed.
 *
 * The last row read or written per user is kept in memory: while the database is
 * unreachable, lookups (a webhook's input id, the polling fallback) answer from it, so
 * the session actors keep following their encoders through a database outage.
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger(IngestService.name);
  private readonly inflight = new Map<string, Promise<StreamEntity>>();
  private readonly known = new Map<string, StreamEntity>();
  /** Provider input id → user, for the rows in `known`. */
  private readonly userOfInput = new Map<string, string>();
  private readonly masks = new Map<string, string>();

  constructor(
    @InjectRepository(StreamEntity) private readonly streams: Repository<StreamEntity>,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOUDFLARE_STREAM) private readonly cloudflare: CloudflareStreamPort,
    private readonly box: SecretBox,
  ) {}

  async find(userId: string): Promise<StreamEntity | null> {
    try {
      return this.remember(userId, await this.read('user_id', userId));
    } catch (err) {
      const known = this.known.get(userId);
      if (known && isDatabaseUnavailable(err)) return known;
      throw err;
    }
  }

  /** The ingests of many users in one read (recovery and failover batches). */
  async findMany(userIds: string[]): Promise<Map<string, StreamEntity>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.streams.findBy({ userId: In(userIds) });
    return new Map(rows.map((row) => [row.userId, this.remember(row.userId, row)]));
  }

  /** The ingest of a provider live input (webhooks); the remembered one while the database is down. */
  async findByInputId(providerInputId: string): Promise<StreamEntity | null> {
    try {
      const row = await this.read('provider_input_id', providerInputId);
      return row ? this.remember(row.userId, row) : null;
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      const known = this.knownByInputId(providerInputId);
      if (known) return known;
      throw err;
    }
  }

  /**
   * The remembered row whose live input this is, if any: the last one read or written on
   * this node, which may be stale unless this node decides every change of that user's
   * ingest (see CloudflareInputEventsService).
   */
  knownByInputId(providerInputId: string): StreamEntity | undefined {
    const userId = this.userOfInput.get(providerInputId);
    const row = userId === undefined ? undefined : this.known.get(userId);
    return row?.providerInputId === providerInputId ? row : undefined;
  }

  /** The row was changed elsewhere (its source, by go-live): the next lookup reads it. */
  forget(userId: string): void {
    const row = this.known.get(userId);
    if (row?.providerInputId) this.userOfInput.delete(row.providerInputId);
    this.known.delete(userId);
  }

  /** One row by a unique column, without TypeORM's query building (every webhook reads one). */
  private async read(
    column: 'user_id' | 'provider_input_id',
    value: string,
  ): Promise<StreamEntity | null> {
    const rows = (await this.db.query(
      `SELECT to_jsonb(s) AS row FROM streams s WHERE s.${column} = $1`,
      [value],
    )) as { row: Record<string, unknown> }[];
    return entityFromJson<StreamEntity>(this.db.getMetadata(StreamEntity), rows[0]?.row);
  }

  async inputIdOf(userId: string): Promise<string | null> {
    return (await this.find(userId))?.providerInputId ?? null;
  }

  /** Idempotent, also across concurrent calls and nodes: at most one live input per user. */
  ensureProvisioned(userId: string): Promise<StreamEntity> {
    const pending = this.inflight.get(userId);
    if (pending) return pending;
    const work = this.provision(userId, false).finally(() => this.inflight.delete(userId));
    this.inflight.set(userId, work);
    return work;
  }

  /**
   * A new live input replaces the old one (Cloudflare cannot change a key in place); the
   * old input is deleted afterwards, so encoders using the old key are cut off.
   */
  async rotate(userId: string): Promise<StreamEntity> {
    const old = await this.find(userId);
    const fresh = await this.provision(userId, true);
    if (old?.providerInputId && old.providerInputId !== fresh.providerInputId) {
      await this.cloudflare.deleteLiveInput(old.providerInputId).catch((err: unknown) => {
        this.logger.warn(
          { err, userId },
          'Old live input could not be deleted after rotation; it will be retried by ops',
        );
      });
    }
    return fresh;
  }

  /** The provider says our input is gone (404): make a new one. */
  async reprovision(userId: string): Promise<StreamEntity> {
    this.logger.warn({ userId }, 'Live input missing at Cloudflare; re-provisioning');
    return this.provision(userId, true);
  }

  async view(userId: string, reveal = false): Promise<IngestView> {
    const row = await this.find(userId);
    if (!row?.providerInputId) {
      throw ApiError.notFound(
        'INGEST_NOT_PROVISIONED',
        'No ingest yet: activate the session first (POST /api/session)',
      );
    }
    return this.toView(row, reveal);
  }

  toView(row: StreamEntity, reveal = false): IngestView {
    const secret = (enc: string | null) =>
      reveal ? (this.box.openOrNull(enc) ?? '') : this.masked(enc);
    return {
      source: row.source,
      inputId: row.providerInputId,
      rtmps: row.rtmpsUrl ? { url: row.rtmpsUrl, streamKey: secret(row.rtmpsStreamKeyEnc) } : null,
      ...(row.srtUrl
        ? {
            srt: {
              url: row.srtUrl,
              streamId: row.srtStreamId ?? '',
              passphrase: secret(row.srtPassphraseEnc),
            },
          }
        : {}),
      ...(row.webrtcUrl ? { webRTC: { url: row.webrtcUrl } } : {}),
      revealed: reveal,
    };
  }

  /**
   * The masked form of a sealed secret, decrypted once: every dashboard update shows it.
   * Keyed by the sealed text, which a new secret (rotation) always changes.
   */
  private masked(sealed: string | null): string {
    if (!sealed) return '';
    let shown = this.masks.get(sealed);
    if (shown === undefined) {
      shown = mask(this.box.open(sealed)) ?? '';
      if (this.masks.size >= 2 * KNOWN_MAX) this.masks.clear();
      this.masks.set(sealed, shown);
    }
    return shown;
  }

  private async provision(userId: string, replace: boolean): Promise<StreamEntity> {
    // A transaction-scoped advisory lock serialises provisioning of one user across nodes.
    let created: LiveInput | undefined;
    try {
      const row = await this.db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ingest:${userId}`]);
        const repo = tx.getRepository(StreamEntity);
        const existing = await repo.findOneBy({ userId });
        if (existing?.providerInputId && !replace) return existing;
        created = await this.cloudflare.createLiveInput({
          userId,
          name: `stream-supervisor:${userId}`,
          recording: { mode: 'automatic' },
        });
        const row = existing ?? repo.create({ userId, settings: {} });
        this.apply(row, created);
        return repo.save(row);
      });
      return this.remember(userId, row);
    } catch (err) {
      // The input exists at Cloudflare but no row points at it (the database went away
      // mid-transaction): delete it, or every retry would leave one more behind.
      if (created) await this.discard(created.uid, userId);
      throw err;
    }
  }

  private async discard(inputId: string, userId: string): Promise<void> {
    await this.cloudflare
      .deleteLiveInput(inputId)
      .catch((err: unknown) =>
        this.logger.error(
          { err, userId, inputId },
          'A live input created for a failed provisioning could not be deleted; delete it by hand',
        ),
      );
  }

  private remember<T extends StreamEntity | null>(userId: string, row: T): T {
    this.forget(userId); // re-inserted last: the oldest entry goes first when full
    if (row) {
      if (this.known.size >= KNOWN_MAX) this.forget(this.known.keys().next().value!);
      this.known.set(userId, row);
      if (row.providerInputId) this.userOfInput.set(row.providerInputId, userId);
    }
    return row;
  }

  /** Sets the Cloudflare ingest; a browser (LiveKit) streamer keeps `source` as it is. */
  private apply(row: StreamEntity, input: LiveInput): void {
    row.source ??= 'cloudflare';
    row.providerInputId = input.uid;
    row.rtmpsUrl = input.rtmps.url;
    row.rtmpsStreamKeyEnc = this.box.seal(input.rtmps.streamKey);
    row.srtUrl = input.srt?.url ?? null;
    row.srtStreamId = input.srt?.streamId ?? null;
    row.srtPassphraseEnc = this.box.sealOrNull(input.srt?.passphrase);
    row.webrtcUrl = input.webRTC?.url ?? null;
  }
}
