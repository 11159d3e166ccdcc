import { Logger } from '@nestjs/common';
import type { CloudflareStreamPort, LiveOutput } from '../../../libs/cloudflare';
import type { IngestService } from '../../streams/ingest.service';
import {
  CleanupIncompleteError,
  describeError,
  notConnected,
  type DestinationOutcome,
  type OutputBackend,
  type OutputDestination,
} from './output-backend';

/**
 * Cloudflare Stream: one live output per platform on the user's live input. Every pass
 * lists the input's outputs first, so a retry or a crash adopts what exists instead of
 * creating a duplicate; removal deletes everything and verifies by listing again.
 */
export class CloudflareOutputBackend implements OutputBackend {
  readonly source = 'cloudflare' as const;
  private readonly logger = new Logger(CloudflareOutputBackend.name);

  constructor(
    private readonly cloudflare: CloudflareStreamPort,
    private readonly ingest: IngestService,
  ) {}

  async start(userId: string, destinations: OutputDestination[]): Promise<DestinationOutcome[]> {
    const inputId = await this.requireInput(userId);
    const existing = await this.cloudflare.listOutputs(inputId);
    return Promise.all(destinations.map((d) => this.realise(inputId, d, existing)));
  }

  async setEnabled(
    userId: string,
    d: OutputDestination,
    enabled: boolean,
  ): Promise<DestinationOutcome | null> {
    const inputId = await this.requireInput(userId);
    if (d.providerOutputId && d.status === 'active') {
      await this.cloudflare.updateOutput(inputId, d.providerOutputId, { enabled });
      return { status: 'active', providerOutputId: d.providerOutputId, created: false };
    }
    if (!enabled) return null;
    return this.realise(inputId, { ...d, enabled }, await this.cloudflare.listOutputs(inputId));
  }

  async verify(
    userId: string,
    destinations: OutputDestination[],
  ): Promise<(DestinationOutcome | null)[]> {
    const inputId = await this.requireInput(userId);
    const existing = await this.cloudflare.listOutputs(inputId);
    const claimed = new Set<string>();
    const outcomes: (DestinationOutcome | null)[] = [];
    for (const d of destinations) {
      const match = existing.find((o) => !claimed.has(o.uid) && matches(o, d));
      if (match) {
        claimed.add(match.uid);
        const changed = d.providerOutputId !== match.uid || d.status !== 'active';
        outcomes.push(
          changed ? { status: 'active', providerOutputId: match.uid, created: false } : null,
        );
      } else if (d.enabled && d.status !== 'removing') {
        const outcome = await this.realise(inputId, d, existing);
        const uid = outcome.providerOutputId ?? d.providerOutputId;
        if (uid) claimed.add(uid);
        outcomes.push(outcome);
      } else {
        outcomes.push(null);
      }
    }
    for (const stray of existing.filter((o) => !claimed.has(o.uid))) {
      this.logger.warn(
        { userId, outputId: stray.uid },
        'Deleting an output that has no intent (duplicate or leaked)',
      );
      await this.cloudflare.deleteOutput(inputId, stray.uid);
    }
    return outcomes;
  }

  async removeAll(userId: string): Promise<number> {
    const inputId = await this.ingest.inputIdOf(userId);
    if (!inputId) return 0;
    const existing = await this.cloudflare.listOutputs(inputId);
    if (existing.length === 0) return 0;
    await Promise.all(existing.map((o) => this.cloudflare.deleteOutput(inputId, o.uid)));
    const left = await this.cloudflare.listOutputs(inputId);
    if (left.length > 0)
      throw new CleanupIncompleteError(`${left.length} output(s) still listed after delete`);
    return existing.length;
  }

  /** Make the provider match one intent: adopt a listed output, else create one. */
  private async realise(
    inputId: string,
    d: OutputDestination,
    existing: LiveOutput[],
  ): Promise<DestinationOutcome> {
    if (!d.streamKey) return notConnected(d);
    const found = existing.find((o) => matches(o, d));
    try {
      const output =
        found ??
        (await this.cloudflare.createOutput(inputId, {
          url: d.ingestUrl,
          streamKey: d.streamKey,
          enabled: d.enabled,
        }));
      return { status: 'active', providerOutputId: output.uid, created: !found };
    } catch (err) {
      return { status: 'failed', error: describeError(err), attempted: true };
    }
  }

  private async requireInput(userId: string): Promise<string> {
    const inputId = await this.ingest.inputIdOf(userId);
    if (!inputId) throw new Error(`user ${userId} has no live input`);
    return inputId;
  }
}

function matches(o: LiveOutput, d: OutputDestination): boolean {
  if (d.providerOutputId && o.uid === d.providerOutputId) return true;
  return Boolean(d.streamKey) && o.url === d.ingestUrl && o.streamKey === d.streamKey;
}
