import { bodySha256, signHs256 } from './fake-jwt';
import type { ProtoJson, WebhookPayload } from './fake-livekit.state';

/**
 * Delivers webhooks the way LiveKit does: POST, `Content-Type: application/webhook+json`,
 * a JSON WebhookEvent with camelCase names, and `Authorization: <jwt>` (no "Bearer")
 * whose `sha256` claim is base64(SHA-256(body)), signed HS256 with the API secret and
 * issued by the API key. Events go out one at a time, in order, like LiveKit's queue.
 */

export interface WebhookDelivery {
  event: string;
  id: string;
  status?: number;
  error?: string;
}

export interface WebhookSenderOptions {
  apiKey: string;
  apiSecret: string;
  url?: string;
  now?: () => number;
}

export class WebhookSender {
  url: string | undefined;
  readonly deliveries: WebhookDelivery[] = [];
  private queue: Promise<void> = Promise.resolve();
  private counter = 0;

  constructor(private readonly options: WebhookSenderOptions) {
    this.url = options.url;
  }

  /** The exact body and header LiveKit would send for `payload`. */
  sign(payload: WebhookPayload): { body: string; authorization: string; id: string } {
    const now = (this.options.now ?? Date.now)();
    const id = `EV_fake${++this.counter}`;
    const event = camelKeys({ ...payload, id, created_at: String(Math.floor(now / 1000)) });
    const body = JSON.stringify(event);
    const seconds = Math.floor(now / 1000);
    const authorization = signHs256(
      { iss: this.options.apiKey, nbf: seconds, exp: seconds + 300, sha256: bodySha256(body) },
      this.options.apiSecret,
    );
    return { body, authorization, id };
  }

  /** Queues a delivery; resolves once it (and everything before it) has been attempted. */
  send(payload: WebhookPayload): Promise<void> {
    const signed = this.sign(payload);
    const target = this.url;
    const delivery: WebhookDelivery = { event: payload.event, id: signed.id };
    this.deliveries.push(delivery);
    this.queue = this.queue.then(async () => {
      if (!target) {
        delivery.error = 'no webhook url configured';
        return;
      }
      try {
        const res = await fetch(target, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/webhook+json',
            Authorization: signed.authorization,
          },
          body: signed.body,
          signal: AbortSignal.timeout(5_000),
        });
        delivery.status = res.status;
        await res.arrayBuffer();
      } catch (err) {
        delivery.error = err instanceof Error ? err.message : String(err);
      }
    });
    return this.queue;
  }

  /** Resolves when every queued webhook has been attempted. */
  flush(): Promise<void> {
    return this.queue;
  }

  reset(): void {
    this.deliveries.length = 0;
  }
}

/** proto JSON names: `egress_info` -> `egressInfo`, recursively (no map fields are sent). */
export function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out: ProtoJson = {};
  for (const [key, v] of Object.entries(value)) {
    out[key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())] = camelKeys(v);
  }
  return out;
}
