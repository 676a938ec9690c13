// The post step's bundle (action.yml runs.post), run whatever the job's result.
import { exitWhenFlushed } from '../exit.js'
import { post } from '../post.js'

void post().then(exitWhenFlushed)
