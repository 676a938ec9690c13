// Types for the one file of @actions/github the action imports (see workflow-context.ts): the class of
// the package's own exported `context`.
declare module '@actions/github/lib/context' {
  export const Context: new () => (typeof import('@actions/github'))['context']
}
