import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface WriteBacklog {
  name: string;
  /** Writes accepted in memory and not yet stored. */
  queued(): number;
}

/**
 * Readiness of the database: a `SELECT 1` within the timeout, plus the writes queued in
 * memory for it (session state and transitions, chat events). While the database is
 * unreachable the node keeps running its sessions and queues their writes; readiness is
 * `down` (503) and says how many writes wait and since when. Once the ping answers again
 * readiness is `up` at once, with the queue draining (`queuedWrites` counts down to 0).
 */
@Injectable()
export class DatabaseHealthIndicator {
  private readonly backlogs: WriteBacklog[] = [];
  private downSince?: Date;

  constructor(
    private readonly indicator: HealthIndicatorService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  registerBacklog(backlog: WriteBacklog): void {
    this.backlogs.push(backlog);
  }

  /** Every queued write, by source and in total. */
  queuedWrites(): { total: number; bySource: Record<string, number> } {
    const bySource = Object.fromEntries(this.backlogs.map((b) => [b.name, b.queued()]));
    return { total: Object.values(bySource).reduce((a, b) => a + b, 0), bySource };
  }

  async check(key = 'database', timeoutMs = 1500): Promise<HealthIndicatorResult> {
    const session = this.indicator.check(key);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.db.query('SELECT 1'),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
      this.downSince = undefined;
      const queued = this.queuedWrites();
      return session.up({ queuedWrites: queued.total, queued: queued.bySource });
    } catch (err) {
      this.downSince ??= new Date();
      const queued = this.queuedWrites();
      return session.down({
        message: `unreachable: ${err instanceof Error ? err.message : String(err)}`,
        since: this.downSince.toISOString(),
        queuedWrites: queued.total,
        queued: queued.bySource,
      });
    } finally {
      clearTimeout(timer);
    }
  }
}
