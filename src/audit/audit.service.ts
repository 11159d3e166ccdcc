import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Principal } from '../common/auth/principal';
import { AuditEntryEntity } from './entities/audit-entry.entity';

/** The audit trail: who did what to which session, and how it went. Append-only. */
@Injectable()
export class AuditService {
  constructor(
    @InjectRepository(AuditEntryEntity) private readonly repo: Repository<AuditEntryEntity>,
  ) {}

  /** Runs an ops action and records it, whether it succeeds or fails. */
  async record<T>(
    actor: Principal | 'system',
    action: string,
    targetUserId: string | null,
    details: Record<string, unknown>,
    work: () => Promise<T>,
  ): Promise<T> {
    try {
      const result = await work();
      await this.write(actor, action, targetUserId, details, 'ok');
      return result;
    } catch (err) {
      await this.write(
        actor,
        action,
        targetUserId,
        { ...details, error: err instanceof Error ? err.message : String(err) },
        'error',
      );
      throw err;
    }
  }

  async list(filter: { targetUserId?: string; limit: number }) {
    const rows = await this.repo.find({
      where: filter.targetUserId ? { targetUserId: filter.targetUserId } : {},
      order: { id: 'DESC' },
      take: filter.limit,
    });
    return rows.map((r) => ({
      id: r.id,
      actor: { id: r.actorId, role: r.actorRole },
      action: r.action,
      targetUserId: r.targetUserId,
      details: r.details,
      outcome: r.outcome,
      at: r.at.toISOString(),
    }));
  }

  private async write(
    actor: Principal | 'system',
    action: string,
    targetUserId: string | null,
    details: Record<string, unknown>,
    outcome: string,
  ) {
    await this.repo.save({
      actorId: actor === 'system' ? 'system' : actor.userId,
      actorRole: actor === 'system' ? 'system' : actor.role,
      action,
      targetUserId,
      details,
      outcome,
    });
  }
}
