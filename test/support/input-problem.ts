// Unit tests of input checking: the message of the InputError that parsing the given inputs throws.
import { expect } from 'vitest'
import { InputError } from '../../src/errors.js'

export function inputProblem(parse: () => unknown): string {
  try {
    parse()
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error('expected an InputError')
}
