import { raw } from 'express';

/**
 * LiveKit posts webhooks as `application/webhook+json`, which the app's JSON parser
 * ignores; its signature covers the exact bytes, so keep them as a Buffer in `req.body`.
 */
export const LIVEKIT_WEBHOOK_CONTENT_TYPE = 'application/webhook+json';

export const webhookRawBody = raw({ type: LIVEKIT_WEBHOOK_CONTENT_TYPE, limit: '256kb' });
