// @ts-check
// Shapes of the public interface (/work/shared/CONTRACT.md) as the dashboard uses them.
// Types only: nothing here runs.

/** @typedef {'twitch' | 'youtube' | 'kick' | 'facebook'} Platform */
/** @typedef {'offline' | 'ready' | 'streaming' | 'ending'} TopState */
/** @typedef {'pending' | 'active' | 'failed' | 'removing' | 'removed'} OutputStatus */
/** @typedef {'streamer' | 'ops'} Role */

/** @typedef {{ userId: string, role: Role }} Principal */

/**
 * @typedef {object} SessionView
 * @property {string} userId
 * @property {TopState} state
 * @property {string} stateSince
 * @property {string} [substate]
 * @property {{ source: string, status: string | null, lastSeenAt: string | null,
 *   ingest: IngestCredentials }} input
 * @property {{ platform: Platform, enabled: boolean, status: OutputStatus, lastError?: string }[]} outputs
 * @property {{ platform: Platform, connected: boolean, chat: string, viewers?: number }[]} platforms
 * @property {{ id: string, title: string, startedAt: string }} [broadcast]
 * @property {string} [graceEndsAt]
 * @property {{ degraded: boolean, reasons: string[] }} health
 * @property {boolean} [active]
 * @property {{ reason: string }} [failed]
 */

/**
 * @typedef {object} IngestCredentials
 * @property {{ url: string, streamKey: string } | null} rtmps
 * @property {{ url: string, streamId: string, passphrase: string }} [srt]
 * @property {{ url: string }} [webRTC]
 */

/** @typedef {IngestCredentials & { source: string, inputId: string | null, revealed: boolean }} IngestView */

/**
 * @typedef {object} PlatformConnection
 * @property {Platform} platform
 * @property {boolean} connected
 * @property {string | null} channel
 * @property {string | null} ingestUrl
 * @property {string | null} streamKey
 * @property {string | null} updatedAt
 */

/**
 * @typedef {object} ChatEvent
 * @property {string} id
 * @property {string} userId
 * @property {Platform} platform
 * @property {'message' | 'donation' | 'subscription' | 'raid' | 'follow' | 'system'} type
 * @property {{ id: string, name: string, badges: string[] }} author
 * @property {string} text
 * @property {{ value: number, currency: string }} [amount]
 * @property {string} platformMessageId
 * @property {string} at
 */

/** @typedef {{ userId: string, from: string, to: string, reason: string, at: string, by?: string }} TransitionEvent */
/** @typedef {{ userId: string, platform: Platform, status: OutputStatus, lastError?: string }} OutputEvent */
/** @typedef {{ userId: string, platform: Platform, count: number, at: string }} ViewersEvent */
/** @typedef {{ ok: boolean, error?: string, code?: string }} Ack */

/**
 * @typedef {object} Broadcast
 * @property {string} id
 * @property {string} title
 * @property {Platform[]} platforms
 * @property {string} startedAt
 * @property {string | null} endedAt
 * @property {string | null} endReason
 * @property {number | null} peakViewers
 * @property {number} chatCount
 * @property {{ videoId?: string, [k: string]: unknown } | null} recording
 */

/**
 * @typedef {object} ChildStatus
 * @property {string} name
 * @property {'running' | 'restarting' | 'stopped' | 'escalated'} status
 * @property {number} restarts
 * @property {string} [lastError]
 */

/**
 * @typedef {object} OpsSessionRow
 * @property {string} userId
 * @property {TopState} state
 * @property {string | null} [substate]
 * @property {string} stateSince
 * @property {number} timeInStateMs
 * @property {string | null} ownerNode
 * @property {boolean} resident
 * @property {boolean} active
 * @property {ChildStatus[]} children
 * @property {boolean} stuck
 * @property {string | null} stuckReason
 */

/**
 * @typedef {SessionView & { ownerNode: string | null, resident: boolean, stuckReason: string | null,
 *   children: ChildStatus[],
 *   transitions: { from: string, to: string, reason: string, by: string, at: string }[] }} OpsSessionDetail
 */

/**
 * @typedef {object} AuditEntry
 * @property {string} id
 * @property {{ id: string, role: string }} actor
 * @property {string} action
 * @property {string | null} targetUserId
 * @property {Record<string, unknown>} details
 * @property {string} outcome
 * @property {string} at
 */

export {};
