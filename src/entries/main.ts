// The main step's bundle (action.yml runs.main).
import { exitWhenFlushed } from '../exit.js'
import { run } from '../main.js'

void run().then(exitWhenFlushed)
