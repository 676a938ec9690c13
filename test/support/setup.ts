// Runs around every test file: the action runs' temporary folders go when the file's tests are done.
import { afterAll } from 'vitest'
import { removeRunDirs } from './run-action.mjs'

afterAll(() => removeRunDirs())
