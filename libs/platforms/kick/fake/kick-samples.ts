/**
 * Kick Pusher payloads as observed on `chatrooms.<id>.v2` (Kick does not document its chat
 * WebSocket; these come from third-party clients that log real frames, e.g. AxelChat's
 * kick.cpp). Each is the *inner* `data` object; on the wire it is JSON-encoded again as a
 * string inside the Pusher frame.
 */
export const KICK_SAMPLES = {
  message: {
    id: '088a8390-cce6-4ea5-b4f4-e1b2b032c64f',
    chatroom_id: 4530,
    content:
      'For all our new people, please make sure to verify before you join a game or raffle. Type !verify',
    type: 'message',
    created_at: '2023-07-14T20:08:20+00:00',
    sender: {
      id: 10863,
      username: 'SereKorr',
      slug: 'serekorr',
      identity: { color: '#75FD46', badges: [{ type: 'moderator', text: 'Moderator' }] },
    },
  },
  reply: {
    chatroom_id: 4530,
    content: '[emote:17289:frankdimespeepolove][emote:16676:frankdimesVibe]',
    created_at: '2023-07-14T19:58:10+00:00',
    id: 'a7354ff8-7ef7-47e7-843a-90963b137071',
    metadata: {
      original_message: {
        content: '@kasperh32 hi bruh seme for u',
        id: 'd94a16ec-3f39-47d2-afad-a493e967f983',
      },
      original_sender: { id: '9899', username: 'evilnero1981' },
    },
    sender: {
      id: 8082,
      identity: { badges: [{ text: 'Moderator', type: 'moderator' }], color: '#75FD46' },
      slug: 'kasperh32',
      username: 'kasperh32',
    },
    type: 'reply',
  },
  subscription: { chatroom_id: 32806, months: 3, username: 'rak_eem_t' },
  giftedSubscriptions: {
    chatroom_id: 32806,
    gifted_usernames: ['lukechet', 'Rhoelle', 'Stuie2k1'],
    gifter_username: 'Kobebeef22',
  },
  streamHost: {
    chatroom_id: 32806,
    host_username: '7eventyy',
    number_viewers: 6,
    optional_message: '',
  },
} as const;

/** Pusher event names Kick broadcasts on the chatroom channel. */
export const KICK_EVENTS = {
  message: 'App\\Events\\ChatMessageEvent',
  subscription: 'App\\Events\\SubscriptionEvent',
  giftedSubscriptions: 'App\\Events\\GiftedSubscriptionsEvent',
  streamHost: 'App\\Events\\StreamHostEvent',
} as const;
