import { run } from './main.js'
import { post } from './post.js'
import { isPostStep } from './state.js'

// One bundle is both the main step and the post step (action.yml): they are told apart by the state the
// main step saves first. Once either has settled there is nothing left to do: exit as soon as stdout is
// flushed (on Linux a write to the runner's pipe can still be queued) rather than pay a clean exit's
// tear-down of the heap and handles, about 1 ms of every run and 3 ms after a list of 10,000
// (bench/RESULTS.md). It also ends a request abandoned after a second cancel signal.
void (isPostStep() ? post() : run()).then(() => {
  if (process.stdout.writableLength === 0) process.exit()
  else process.stdout.write('', () => process.exit())
})
