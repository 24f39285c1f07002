/** Polls `probe` every `everyMs` until it answers something other than undefined, or fails after `ms` naming `what`. */
export async function until<T>(probe: () => Promise<T | undefined>, ms: number, what: string, everyMs = 100): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
