export * from './livekit.port';
export * from './livekit.adapter';
export * from './livekit-error.mapper';
export * from './livekit.mappers';
export * from './retry-policy';
export * from './stream-url';
export * from './token.service';
export * as fakeLiveKit from './fake';
