// Types for the files of dependencies that the action imports by path (tsconfig.json "paths"), which the
// packages' exports do not list. Each stands for the package's own types of the same code.

// @actions/github: the class of the package's exported `context` (see workflow-context.ts).
declare module '@actions/github/lib/context' {
  export const Context: new () => (typeof import('@actions/github'))['context']
}

// @actions/core: the module that formats and escapes workflow commands (see runner.ts).
declare module '@actions/core/lib/command' {
  export function issueCommand(command: string, properties: Record<string, string>, message: string): void
}
