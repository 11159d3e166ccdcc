import { Client } from 'pg';
import type { ChaosCluster } from './cluster';
import type { FuzzReport } from './fuzz';
import { CHAOS_PLATFORMS, type ChaosUser, type Target } from './workload';

export interface InvariantResult {
  name: string;
  checked: number;
  violations: number;
  examples: string[];
}

interface Check {
  name: string;
  checked: number;
  problems: string[];
}

/**
 * What must hold after the faults are over and the streamers have settled on their final
 * wishes. Every check compares two independent sources: the service's rows in Postgres,
 * the fake provider's state, and what the run itself saw (acknowledgements, socket events).
 */
export async function checkInvariants(
  cluster: ChaosCluster,
  users: ChaosUser[],
  targets: Map<string, Target>,
  fuzz?: FuzzReport,
): Promise<InvariantResult[]> {
  const db = new Client({ connectionString: cluster.pg.url });
  await db.connect();
  try {
    const ids = users.map((u) => u.id);
    const sessions = new Map(
      (
        await db.query<{ user_id: string; state: string; owner_node: string | null }>(
          'SELECT user_id, state, owner_node FROM sessions WHERE user_id = ANY($1)',
          [ids],
        )
      ).rows.map((r) => [r.user_id, r]),
    );
    const checks: Check[] = [];
    const check = (name: string) => {
      const c: Check = { name, checked: 0, problems: [] };
      checks.push(c);
      return c;
    };

    // 1. The stored state is the one the provider's truth and the streamer's wish give.
    const state = check('session state matches provider truth');
    for (const u of users) {
      state.checked++;
      const target = targets.get(u.id)!;
      const row = sessions.get(u.id);
      const input = cluster.cloudflare.state.inputs.get(u.inputId)?.status ?? null;
      const wantConnected = target !== 'offline';
      if (!row) state.problems.push(`${u.id}: no session row`);
      else if (row.state !== target)
        state.problems.push(`${u.id}: stored ${row.state}, expected ${target} (encoder ${input})`);
      else if ((input === 'connected') !== wantConnected)
        state.problems.push(`${u.id}: ${row.state} but the provider says ${input}`);
    }

    // 2 and 3. Outputs at the provider: one per platform while streaming, none otherwise.
    const leaked = check('0 leaked outputs');
    const duplicated = check('0 duplicate outputs');
    const missing = check('streaming sessions have every output');
    const byInput = new Map(users.map((u) => [u.inputId, u]));
    for (const [inputId, outputs] of cluster.cloudflare.state.outputs) {
      const owner = byInput.get(inputId);
      const live = owner && targets.get(owner.id) === 'streaming';
      leaked.checked += outputs.size;
      if (!live && outputs.size > 0)
        leaked.problems.push(`${owner?.id ?? `input ${inputId}`}: ${outputs.size} outputs left`);
      const dups = cluster.cloudflare.duplicateOutputs(inputId);
      duplicated.checked += outputs.size;
      if (dups.length > 0)
        duplicated.problems.push(`${owner?.id ?? inputId}: ${dups.length} duplicate outputs`);
      if (live && outputs.size > CHAOS_PLATFORMS.length + dups.length)
        leaked.problems.push(`${owner.id}: ${outputs.size} outputs for ${CHAOS_PLATFORMS.length}`);
    }
    const known = new Set(
      (await db.query<{ id: string }>('SELECT provider_input_id AS id FROM streams')).rows.map(
        (r) => r.id,
      ),
    );
    const orphanInputs = [...cluster.cloudflare.state.inputs.keys()].filter((id) => !known.has(id));
    leaked.checked += cluster.cloudflare.state.inputs.size;
    for (const id of orphanInputs) leaked.problems.push(`live input ${id} belongs to no stream`);
    for (const u of users) {
      if (targets.get(u.id) !== 'streaming') continue;
      missing.checked++;
      const outputs = cluster.cloudflare.outputsOf(u.inputId);
      const got = new Set(outputs.map((o) => o.streamKey));
      if (got.size < CHAOS_PLATFORMS.length)
        missing.problems.push(`${u.id}: ${got.size}/${CHAOS_PLATFORMS.length} outputs`);
    }

    // 4. The transition log: an unbroken chain per session ending in the stored state,
    //    holding every transition a dashboard was told about.
    const lost = check('0 lost transitions');
    const log = await db.query<{ user_id: string; from: string; to: string; at: Date }>(
      'SELECT user_id, "from", "to", at FROM session_transitions WHERE user_id = ANY($1) ORDER BY user_id, id',
      [ids],
    );
    const perUser = new Map<string, { from: string; to: string; at: number }[]>();
    for (const r of log.rows) {
      const list = perUser.get(r.user_id) ?? [];
      list.push({ from: r.from, to: r.to, at: r.at.getTime() });
      perUser.set(r.user_id, list);
    }
    for (const u of users) {
      const list = perUser.get(u.id) ?? [];
      lost.checked += list.length;
      let prev = 'offline';
      for (const [i, t] of list.entries()) {
        if (t.from !== prev)
          lost.problems.push(`${u.id}: entry ${i} is ${t.from}→${t.to} after ${prev}`);
        prev = t.to;
      }
      const row = sessions.get(u.id);
      if (row && row.state !== prev)
        lost.problems.push(`${u.id}: the log ends in ${prev}, the session is ${row.state}`);
      const stored = new Set(list.map((t) => `${t.from}>${t.to}@${t.at}`));
      for (const t of u.observed) {
        lost.checked++;
        const key = `${t.from}>${t.to}@${Date.parse(t.at)}`;
        if (!stored.has(key))
          lost.problems.push(`${u.id}: ${t.from}→${t.to} at ${t.at} was pushed but never logged`);
      }
    }

    // 5. Every chat reply the service acknowledged is stored, once per platform.
    const chat = check('0 lost acknowledged chat events');
    const rows = await db.query<{ user_id: string; platform: string; text: string; n: string }>(
      `SELECT user_id, platform, text, count(*) AS n FROM chat_events
        WHERE user_id = ANY($1) AND text LIKE 'chaos reply %' GROUP BY 1, 2, 3`,
      [ids],
    );
    const stored = new Map(
      rows.rows.map((r) => [`${r.user_id}|${r.platform}|${r.text}`, Number(r.n)]),
    );
    for (const u of users) {
      for (const a of u.acked) {
        for (const p of a.platforms) {
          chat.checked++;
          const n = stored.get(`${u.id}|${p}|${a.text}`) ?? 0;
          if (n !== 1) chat.problems.push(`${u.id} ${p} "${a.text}": stored ${n} times`);
        }
      }
    }

    // 6. Exactly one live node holds each session, and it is the owner in the database.
    const owners = check('one owner per session');
    const resident = new Map<string, string[]>();
    for (const node of cluster.upNodes()) {
      const res = await fetch(`${node.service.baseUrl}/api/ops/sessions`, {
        headers: { authorization: `Bearer ${await cluster.api.token('chaos-ops', 'ops')}` },
      }).catch(() => undefined);
      if (!res?.ok) {
        owners.problems.push(
          `${node.id} did not list its sessions (${res?.status ?? 'no answer'})`,
        );
        continue;
      }
      const body = (await res.json()) as { userId: string; resident: boolean }[] | { items: [] };
      const items = Array.isArray(body) ? body : body.items;
      for (const i of items as { userId: string; resident: boolean }[]) {
        if (i.resident) resident.set(i.userId, [...(resident.get(i.userId) ?? []), node.id]);
      }
    }
    for (const u of users) {
      owners.checked++;
      const holders = resident.get(u.id) ?? [];
      const row = sessions.get(u.id);
      if (holders.length > 1) owners.problems.push(`${u.id}: resident on ${holders.join(' and ')}`);
      else if (holders.length === 1 && row?.owner_node !== holders[0])
        owners.problems.push(`${u.id}: resident on ${holders[0]}, owner is ${row?.owner_node}`);
      else if (holders.length === 0 && targets.get(u.id) !== 'offline')
        owners.problems.push(`${u.id}: ${targets.get(u.id)} but no node holds it`);
    }

    // 7. No node died by itself.
    const crashes = check('0 node crashes');
    crashes.checked = cluster.nodes.reduce((n, node) => n + node.service.exits.length + 1, 0);
    for (const c of cluster.crashes())
      crashes.problems.push(`${c.node} exited (code ${c.code}, signal ${c.signal})`);

    if (fuzz) {
      const server = check('fuzz: 0 responses ≥ 500');
      server.checked = fuzz.httpCases + fuzz.socketCases;
      server.problems.push(...fuzz.serverErrors);
      const shape = check('fuzz: every error has a code');
      shape.checked = fuzz.httpCases + fuzz.socketCases;
      shape.problems.push(...fuzz.badShapes);
      const cross = check('fuzz: cross-user access refused');
      cross.checked = fuzz.crossUserChecks;
      cross.problems.push(...fuzz.crossUser);
    }

    return checks.map((c) => ({
      name: c.name,
      checked: c.checked,
      violations: c.problems.length,
      examples: c.problems.slice(0, 5),
    }));
  } finally {
    await db.end();
  }
}
