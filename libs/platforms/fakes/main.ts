/**
 * Starts the platform fakes by hand: `node -r ts-node/register/transpile-only libs/platforms/fakes/main.ts`.
 * Ports come from FAKE_TWITCH_PORT / FAKE_YOUTUBE_PORT / FAKE_KICK_PORT / FAKE_FACEBOOK_PORT
 * (0 or unset = random). Kick serves its Pusher WebSocket and its HTTP APIs on one port.
 */
import { createPlatformFakes } from './create-platform-fakes';

async function main(): Promise<void> {
  const fakes = await createPlatformFakes({
    twitch: Number(process.env.FAKE_TWITCH_PORT ?? 0),
    youtube: Number(process.env.FAKE_YOUTUBE_PORT ?? 0),
    kick: Number(process.env.FAKE_KICK_PORT ?? 0),
    facebook: Number(process.env.FAKE_FACEBOOK_PORT ?? 0),
  });
  const { twitch, youtube, kick, facebook } = fakes;
  process.stdout.write(
    `twitch  IRC ws://127.0.0.1:${twitch.port}/  helix ${twitch.helixBaseUrl}  oauth ${twitch.oauthBaseUrl}\n`,
  );
  process.stdout.write(`youtube rootUrl ${youtube.rootUrl}  tokenUrl ${youtube.tokenUrl}\n`);
  process.stdout.write(
    `kick    pusher ws://127.0.0.1:${kick.port}/app/${kick.appKey}  apiBaseUrl/websiteBaseUrl ${kick.apiBaseUrl}\n`,
  );
  process.stdout.write(`facebook graphBaseUrl ${facebook.graphBaseUrl}\n`);
  const stop = (): void => {
    void fakes.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
