// The lead's loopback stand-in of the GitHub Actions cache service lives in TypeScript
// (__tests__/helpers/cache-service.ts, only node: imports). Node 20 cannot run TypeScript, so
// it is compiled once with the project's own tsc into a temp dir and imported from there.
import { execFile } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { ROOT } from './project.mjs'

const execFileAsync = promisify(execFile)
export const CACHE_SERVICE_SOURCE = path.join(ROOT, '__tests__/helpers/cache-service.ts')

/** Resolves with startCacheService, or undefined when the helper is not there. */
export async function loadCacheService(outDir) {
  if (!fs.existsSync(CACHE_SERVICE_SOURCE)) return undefined
  fs.mkdirSync(outDir, { recursive: true })
  // --ignoreConfig: the project's tsconfig has noEmit and covers every file; this is one file.
  await execFileAsync(process.execPath, [
    path.join(ROOT, 'node_modules/typescript/bin/tsc'),
    '--ignoreConfig',
    '--outDir',
    outDir,
    '--rootDir',
    path.dirname(CACHE_SERVICE_SOURCE),
    '--module',
    'nodenext',
    '--moduleResolution',
    'nodenext',
    '--target',
    'es2022',
    '--types',
    'node',
    '--skipLibCheck',
    CACHE_SERVICE_SOURCE,
  ]).catch((error) => {
    throw new Error(`compiling ${CACHE_SERVICE_SOURCE} failed:\n${error.stdout || error.message}`)
  })
  // Emitted as ESM (the package is "type": "module"), but outside the package: name it .mjs.
  const compiled = path.join(outDir, 'cache-service.mjs')
  fs.renameSync(path.join(outDir, 'cache-service.js'), compiled)
  const module = await import(pathToFileURL(compiled).href)
  return module.startCacheService
}
