/** An error's message for a notice (anything thrown, not only Errors). */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
