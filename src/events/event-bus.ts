import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { EventMap } from './event-map';

type Listener<K extends keyof EventMap> = (payload: EventMap[K]) => void;

/** A typed in-process event bus. A failing listener is logged and never breaks the emitter. */
@Injectable()
export class EventBus {
  private readonly emitter = new EventEmitter({ captureRejections: false });
  private readonly logger = new Logger(EventBus.name);

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  emit<K extends keyof EventMap>(event: K, payload: EventMap[K]): void {
    for (const listener of this.emitter.listeners(event) as Listener<K>[]) {
      try {
        listener(payload);
      } catch (err) {
        this.logger.error({ err, event }, 'Event listener failed');
      }
    }
  }

  on<K extends keyof EventMap>(event: K, listener: Listener<K>): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }
}
