// Once a step has settled there is nothing left to do: exit as soon as stdout is flushed (on Linux a
// write to the runner's pipe can still be queued), so that neither a request abandoned after a second
// cancel signal nor a keep-alive socket holds the process until the runner kills it.
export function exitWhenFlushed(): void {
  if (process.stdout.writableLength === 0) process.exit()
  else process.stdout.write('', () => process.exit())
}
