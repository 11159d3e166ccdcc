import type { Response } from 'express';

/**
 * Everything the pages load comes from this origin: scripts and styles from files (no inline
 * code), the API and Socket.IO over fetch/WebSocket. No CDNs, fonts, frames or plugins.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/**
 * The files have no content hashes in their names, so caches must revalidate every time;
 * the ETag makes that a cheap 304.
 */
export const DASHBOARD_CACHE_CONTROL = 'no-cache';

export function setDashboardHeaders(res: Pick<Response, 'setHeader'>): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('Cache-Control', DASHBOARD_CACHE_CONTROL);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'geolocation=(), payment=(), usb=()');
}
