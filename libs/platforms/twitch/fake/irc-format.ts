/** Escapes a tag value per IRCv3 message-tags. */
export function escapeTag(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\:')
    .replace(/ /g, '\\s')
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n');
}

export function formatTags(tags: Record<string, string>): string {
  return (
    '@' +
    Object.entries(tags)
      .map(([k, v]) => `${k}=${escapeTag(v)}`)
      .join(';')
  );
}

export interface ParsedCommand {
  command: string;
  params: string[];
}

/** Parses a client line (clients send no tags or prefix to Twitch). */
export function parseClientLine(line: string): ParsedCommand {
  const trailingAt = line.indexOf(' :');
  const head = trailingAt >= 0 ? line.slice(0, trailingAt) : line;
  const parts = head.split(' ').filter((p) => p.length > 0);
  const params = parts.slice(1);
  if (trailingAt >= 0) params.push(line.slice(trailingAt + 2));
  return { command: (parts[0] ?? '').toUpperCase(), params };
}
