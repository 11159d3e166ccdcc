import { chatEventId } from './chat-event-id';

describe(chatEventId.name, () => {
  it('is the same for the same message, and a version 8 UUID', () => {
    const id = chatEventId('user-1', 'twitch', 'abc');
    expect(chatEventId('user-1', 'twitch', 'abc')).toBe(id);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('differs when the streamer, the platform or the message differs', () => {
    const ids = new Set([
      chatEventId('user-1', 'twitch', 'abc'),
      chatEventId('user-2', 'twitch', 'abc'),
      chatEventId('user-1', 'kick', 'abc'),
      chatEventId('user-1', 'twitch', 'abd'),
    ]);
    expect(ids.size).toBe(4);
  });

  it('cannot be made equal by moving a separator between the parts', () => {
    expect(chatEventId('a:b', 'twitch', 'c')).not.toBe(chatEventId('a', 'twitch', 'b:c'));
    expect(chatEventId('a","b', 'twitch', 'c')).not.toBe(chatEventId('a', 'b","twitch', 'c'));
  });

  it('sets the variant bits for every first hex digit of its fourth group', () => {
    const variants = new Set<string>();
    for (let i = 0; i < 400; i++) variants.add(chatEventId('u', 'kick', `m-${i}`)[19]);
    expect([...variants].sort()).toEqual(['8', '9', 'a', 'b']);
  });
});
