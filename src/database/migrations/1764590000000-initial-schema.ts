import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764590000000 implements MigrationInterface {
  name = 'InitialSchema1764590000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE streams (
        user_id text PRIMARY KEY,
        source text NOT NULL DEFAULT 'cloudflare',
        provider_input_id text UNIQUE,
        rtmps_url text, rtmps_stream_key_enc text,
        srt_url text, srt_stream_id text, srt_passphrase_enc text,
        webrtc_url text,
        playback jsonb,
        title text,
        settings jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE platform_connections (
        user_id text NOT NULL,
        platform text NOT NULL CHECK (platform IN ('twitch','youtube','kick','facebook')),
        channel text, ingest_url text,
        stream_key_enc text, access_token_enc text, refresh_token_enc text,
        token_expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, platform)
      )`);
    await q.query(`
      CREATE TABLE sessions (
        user_id text PRIMARY KEY,
        state text NOT NULL CHECK (state IN ('offline','ready','streaming','ending')),
        substate text,
        state_since timestamptz NOT NULL,
        active boolean NOT NULL DEFAULT false,
        owner_node text,
        input_status text,
        input_last_seen_at timestamptz,
        grace_ends_at timestamptz,
        broadcast_id uuid,
        end_reason text,
        cleanup_attempts integer NOT NULL DEFAULT 0,
        next_cleanup_at timestamptz,
        failed_reason text,
        last_reconciled_at timestamptz,
        version integer NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX sessions_state_idx ON sessions (state) WHERE state <> 'offline'`);
    await q.query(`
      CREATE TABLE session_transitions (
        id bigserial PRIMARY KEY,
        user_id text NOT NULL,
        "from" text NOT NULL,
        "to" text NOT NULL,
        reason text NOT NULL,
        by text NOT NULL CHECK (by IN ('user','ops','system')),
        broadcast_id uuid,
        at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX session_transitions_user_idx ON session_transitions (user_id, id)`);
    // Append-only: refuse updates and deletes at the database itself.
    await q.query(`
      CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$`);
    await q.query(`
      CREATE TRIGGER session_transitions_append_only BEFORE UPDATE OR DELETE ON session_transitions
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    await q.query(`
      CREATE TABLE broadcasts (
        id uuid PRIMARY KEY,
        user_id text NOT NULL,
        title text NOT NULL DEFAULT '',
        platforms text[] NOT NULL DEFAULT '{}',
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        end_reason text,
        peak_viewers integer NOT NULL DEFAULT 0,
        chat_count integer NOT NULL DEFAULT 0,
        recording_video_id text,
        recording jsonb
      )`);
    await q.query(`CREATE INDEX broadcasts_user_idx ON broadcasts (user_id, started_at DESC)`);
    await q.query(`
      CREATE TABLE outputs (
        id uuid PRIMARY KEY,
        broadcast_id uuid NOT NULL REFERENCES broadcasts(id),
        user_id text NOT NULL,
        platform text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        status text NOT NULL CHECK (status IN ('pending','active','failed','removing','removed')),
        provider_output_id text,
        last_error text,
        attempts integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (broadcast_id, platform)
      )`);
    await q.query(`CREATE INDEX outputs_user_idx ON outputs (user_id) WHERE status <> 'removed'`);
    await q.query(`
      CREATE TABLE chat_events (
        id uuid PRIMARY KEY,
        user_id text NOT NULL,
        broadcast_id uuid,
        platform text NOT NULL,
        type text NOT NULL,
        author jsonb NOT NULL,
        text text NOT NULL DEFAULT '',
        amount jsonb,
        platform_message_id text NOT NULL,
        at timestamptz NOT NULL,
        UNIQUE (user_id, platform, platform_message_id)
      )`);
    await q.query(`CREATE INDEX chat_events_user_at_idx ON chat_events (user_id, at DESC)`);
    await q.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        actor_id text NOT NULL,
        actor_role text NOT NULL,
        action text NOT NULL,
        target_user_id text,
        details jsonb NOT NULL DEFAULT '{}',
        outcome text NOT NULL DEFAULT 'ok',
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX audit_log_at_idx ON audit_log (at DESC)`);
    await q.query(`
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'audit_log',
      'chat_events',
      'outputs',
      'broadcasts',
      'session_transitions',
      'sessions',
      'platform_connections',
      'streams',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await q.query(`DROP FUNCTION IF EXISTS refuse_change()`);
  }
}
