// Preloaded into the action's process on Windows (`node --import .../signal-by-message.mjs dist/index.js`,
// with an IPC channel), where a test cannot send it a signal: child.kill('SIGINT') there ends the process
// outright. Each message the test sends (cancel() in run-action.mjs) is a signal's name, emitted here as
// that signal, so the action's listeners see what the runner's signal would give them. Nothing in the
// bundle reads it.
const SIGNALS = new Set(['SIGINT', 'SIGTERM', 'SIGBREAK'])

process.on('message', (signal) => {
  if (typeof signal === 'string' && SIGNALS.has(signal)) process.emit(signal, signal)
})
// The channel must not keep the step running once it is done, as no channel keeps a real step.
process.channel?.unref()
