export * from './fake-livekit.server';
export * from './fake-livekit.state';
export * from './fault-injector';
export * from './fake-jwt';
export * from './twirp';
export * from './webhook-sender';
