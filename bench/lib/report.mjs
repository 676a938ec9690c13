// A case's section ({ title, head, rows, notes, targets }) as a plain-text table for the terminal and as
// markdown for bench/RESULTS.md. A target is a row [what, goal, measured, PASS | MISS | n/a].

export const TARGET_HEAD = ['target', 'goal', 'measured', 'result']

export function targetRow(what, goal, measured, pass) {
  return [what, goal, measured, pass === undefined ? 'n/a' : pass ? 'PASS' : 'MISS']
}

export function sectionText(section) {
  return [`== ${section.title}`, ...textTable(section.head, section.rows), ...(section.notes ?? []).map((note) => `  * ${note}`)]
}

export function sectionMarkdown(section) {
  const notes = section.notes ?? []
  return [
    `## ${section.title}`,
    '',
    ...markdownTable(section.head, section.rows),
    ...(notes.length ? ['', ...notes.map((note) => `- ${note}`)] : [])
  ]
}

function textTable(head, rows) {
  const widths = head.map((cell, i) => Math.max(cell.length, ...rows.map((row) => String(row[i]).length)))
  const line = (row) =>
    '  ' +
    row
      .map((cell, i) => String(cell).padEnd(widths[i]))
      .join('  ')
      .trimEnd()
  return [line(head), '  ' + widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)]
}

function markdownTable(head, rows) {
  const escape = (cell) => String(cell).replace(/\|/g, '\\|')
  return [
    `| ${head.map(escape).join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`)
  ]
}
