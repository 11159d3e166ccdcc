export type Role = 'streamer' | 'ops';

/** The authenticated caller, from a verified JWT. */
export interface Principal {
  userId: string;
  role: Role;
}
