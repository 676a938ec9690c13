// `npm run build`: the two bundles action.yml runs, dist/index.js (the main step) and dist/post.js (the
// post step), each with its source map, and the licenses of what they hold. ncc's API, so that each entry
// gets its own name in one folder; a lazy chunk either bundle splits off keeps ncc's name.
import ncc from '@vercel/ncc'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(root, 'dist')
const entries = { index: 'src/entries/main.ts', post: 'src/entries/post.ts' }

rmSync(dist, { recursive: true, force: true })
mkdirSync(dist)
const written = new Map()
function write(name, content) {
  const text = String(content)
  if (written.has(name) && written.get(name) !== text) throw new Error(`both bundles write dist/${name}, differently`)
  written.set(name, text)
  writeFileSync(join(dist, name), text)
}

for (const [name, entry] of Object.entries(entries)) {
  const { code, map, assets } = await ncc(join(root, entry), {
    minify: true,
    sourceMap: true,
    sourceMapRegister: false,
    license: 'licenses.txt',
    quiet: true
  })
  write(`${name}.js`, code.replace(/\/\/# sourceMappingURL=index\.js\.map\s*$/, `//# sourceMappingURL=${name}.js.map\n`))
  write(`${name}.js.map`, map.replace('"file":"index.js"', `"file":"${name}.js"`))
  for (const [asset, { source }] of Object.entries(assets)) {
    // The map is written above under the bundle's name; the post bundle's licenses are a subset of the main one's.
    if (asset === 'index.js.map' || (asset === 'licenses.txt' && name === 'post')) continue
    write(asset, source)
  }
}
