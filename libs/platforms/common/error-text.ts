/** A one-line description of an error with any of `secrets` masked, safe for states and logs. */
export function errorText(err: unknown, secrets: (string | undefined)[] = []): string {
  let text = err instanceof Error ? err.message : typeof err === 'string' ? err : String(err);
  for (const secret of secrets) {
    if (secret && secret.length >= 4) text = text.split(secret).join('****');
  }
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
