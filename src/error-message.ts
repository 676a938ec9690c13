/** The message of anything thrown, for an annotation or a longer message. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
