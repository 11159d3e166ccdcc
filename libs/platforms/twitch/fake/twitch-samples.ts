/**
 * Real IRC lines as Twitch documents them (dev.twitch.tv/docs/irc/tags and the Twitch
 * developer forum), used verbatim by the fake and the tests. Channel names differ between
 * samples; `retarget` points one at the channel under test.
 */
export const TWITCH_SAMPLE_LINES = {
  /** dev.twitch.tv/docs/irc/tags: a broadcaster's PRIVMSG. */
  privmsg:
    '@badge-info=;badges=broadcaster/1;client-nonce=997dcf443c31e258c1d32a8da47b6936;color=#0000FF;display-name=abc;emotes=;first-msg=0;flags=0-6:S.7;id=eb24e920-8065-492a-8aea-266a00fc5126;mod=0;room-id=713936733;subscriber=0;tmi-sent-ts=1642786203573;turbo=0;user-id=713936733;user-type= :abc!abc@abc.tmi.twitch.tv PRIVMSG #xyz :HeyGuys',
  /** discuss.dev.twitch.com "How to know when a user has successfully cheered?": bits=1. */
  cheer:
    '@badge-info=;badges=;bits=1;color=#19171C;display-name=Grawlixes;emotes=;flags=;id=e9f2e996-9e50-4b0b-92cd-2c970163634c;mod=0;room-id=28276981;subscriber=0;tmi-sent-ts=1560467259682;turbo=0;user-id=53305504;user-type= :grawlixes!grawlixes@grawlixes.tmi.twitch.tv PRIVMSG #frenchstallion :HeyGuys1',
  /** A sub USERNOTICE as received from Twitch IRC. */
  sub: '@badge-info=subscriber/0;badges=moderator/1,subscriber/0,premium/1;color=#2226B2;display-name=burago18;emotes=;flags=;id=229ecd51-1ec2-4dda-ae43-6ac4058a25a3;login=burago18;mod=1;msg-id=sub;msg-param-cumulative-months=1;msg-param-months=0;msg-param-should-share-streak=0;msg-param-sub-plan-name=Channel\\sSubscription\\s(yourchannel);msg-param-sub-plan=1000;room-id=36476430;subscriber=1;system-msg=burago18\\ssubscribed\\sat\\sTier\\s1.;tmi-sent-ts=1574904233310;user-id=44812924;user-type=mod :tmi.twitch.tv USERNOTICE #yourchannel',
  /** dev.twitch.tv/docs/irc/tags USERNOTICE examples: resub, subgift, raid. */
  resub:
    '@badge-info=;badges=staff/1,broadcaster/1,turbo/1;color=#008000;display-name=ronni;emotes=;id=db25007f-7a18-43eb-9379-80131e44d633;login=ronni;mod=0;msg-id=resub;msg-param-cumulative-months=6;msg-param-streak-months=2;msg-param-should-share-streak=1;msg-param-sub-plan=Prime;msg-param-sub-plan-name=Prime;room-id=12345678;subscriber=1;system-msg=ronni\\shas\\ssubscribed\\sfor\\s6\\smonths!;tmi-sent-ts=1507246572675;turbo=1;user-id=87654321;user-type=staff :tmi.twitch.tv USERNOTICE #dallas :Great stream -- keep it up!',
  subgift:
    '@badge-info=;badges=staff/1,premium/1;color=#0000FF;display-name=TWW2;emotes=;id=e9176cd8-5e22-4684-ad40-ce53c2561c5e;login=tww2;mod=0;msg-id=subgift;msg-param-months=1;msg-param-recipient-display-name=Mr_Woodchuck;msg-param-recipient-id=55554444;msg-param-recipient-name=mr_woodchuck;msg-param-sub-plan-name=House\\sof\\sNyoro~n;msg-param-sub-plan=1000;room-id=19571752;subscriber=0;system-msg=TWW2\\sgifted\\sa\\sTier\\s1\\ssub\\sto\\sMr_Woodchuck!;tmi-sent-ts=1521159445153;turbo=0;user-id=87654321;user-type=staff :tmi.twitch.tv USERNOTICE #forstycup',
  raid: '@badge-info=;badges=turbo/1;color=#9ACD32;display-name=TestChannel;emotes=;id=3d830f12-795c-447d-af3c-ea05e40fbddb;login=testchannel;mod=0;msg-id=raid;msg-param-displayName=TestChannel;msg-param-login=testchannel;msg-param-viewerCount=15;room-id=33332222;subscriber=0;system-msg=15\\sraiders\\sfrom\\sTestChannel\\shave\\sjoined\\n!;tmi-sent-ts=1507246572675;turbo=1;user-id=123456;user-type= :tmi.twitch.tv USERNOTICE #othertestchannel',
} as const;

/** Rewrites the `#channel` of a sample line to `#<channel>`. */
export function retarget(line: string, channel: string): string {
  return line.replace(/ (PRIVMSG|USERNOTICE) #[^ ]+/, ` $1 #${channel.toLowerCase()}`);
}
