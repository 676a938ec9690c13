// `npm run build`: the two bundles action.yml runs, dist/index.js (the main step) and dist/post.js (the
// post step), each with its source map, and the licenses of what they hold. ncc's API, so that each entry
// gets its own name in one folder; a lazy chunk either bundle splits off keeps ncc's name. With a lazy
// chunk, ncc's licenses.txt lists only the chunk's packages, so the licenses of both builds are joined, and
// the build fails unless every package a bundle or chunk holds is named in dist/licenses.txt.
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
const licenses = []
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
    // The map is written above under the bundle's name.
    if (asset === 'index.js.map') continue
    if (asset === 'licenses.txt') licenses.push(String(source))
    else write(asset, source)
  }
}

const joined = licenses.filter(
  (text, i) => !licenses.some((other, j) => j !== i && other.includes(text) && (other !== text || j < i))
)
write('licenses.txt', joined.join('\n\n'))
const named = new Set(joined.join('\n').split('\n'))
for (const [file, text] of written) {
  if (!file.endsWith('.js.map')) continue
  for (const source of JSON.parse(text).sources) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source)?.[1]
    if (pkg && !named.has(pkg)) throw new Error(`dist/${file} holds ${pkg}, which dist/licenses.txt does not name`)
  }
}
