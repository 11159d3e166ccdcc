// @ts-check

/**
 * 75_000 → "1m 15s"; 3_723_000 → "1h 2m 3s".
 * @param {number} ms
 */
export function duration(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h ${m}m ${s}s`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

/**
 * 65_000 → "1:05": a countdown clock.
 * @param {number} ms
 */
export function clock(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const m = Math.floor(total / 60);
  const s = String(total % 60).padStart(2, '0');
  return `${m}:${s}`;
}

/** @param {string | null | undefined} iso */
export function time(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : d.toLocaleTimeString();
}

/** @param {string | null | undefined} iso */
export function dateTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : d.toLocaleString();
}

/** @param {string} platform */
export function platformName(platform) {
  return (
    { twitch: 'Twitch', youtube: 'YouTube', kick: 'Kick', facebook: 'Facebook' }[platform] ??
    platform
  );
}

/** Every platform, in the contract's order. */
export const PLATFORMS = /** @type {const} */ (['twitch', 'youtube', 'kick', 'facebook']);
