// Which Docker engine the CLI talks to, and whether it runs on this machine. The CLI itself
// decides (`docker context inspect` with no name resolves the current context the way every
// other command does: DOCKER_HOST, then DOCKER_CONTEXT, then the config's currentContext); this
// module reads its answer and the URL's form. Pure, so the forms are pinned by table tests.

type Transport = 'unix' | 'npipe' | 'fd' | 'tcp' | 'ssh'

export interface Engine {
  /** The engine's URL as the CLI uses it: unix:///var/run/docker.sock, tcp://h:2375, ssh://u@h. */
  host: string
  /** The docker context it came from, when not the default one (DOCKER_HOST or the socket). */
  context?: string
  transport: Transport
  /**
   * The engine's machine as this one reaches it (a name or an address), for tcp and ssh to
   * another machine; unset when the engine runs here (a socket, or tcp on a loopback address).
   */
  remoteHost?: string
}

const LOCAL_NAMES = new Set(['localhost', 'ip6-localhost', 'ip6-loopback'])

/** 127.0.0.0/8, ::1 and localhost: an engine listening there runs on this machine. */
function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase()
  return LOCAL_NAMES.has(bare) || /^127\.\d+\.\d+\.\d+$/.test(bare) || bare === '::1'
}

/**
 * Reads a DOCKER_HOST-style URL. A bare `host:port` is tcp, as the CLI reads it. Throws on a
 * form the CLI would refuse too, naming the variable's rule.
 * @internal (exported for its unit tests)
 */
export function parseEngineHost(value: string, context?: string): Engine {
  const trimmed = value.trim()
  const withScheme = trimmed.includes('://') ? trimmed : `tcp://${trimmed}`
  const scheme = withScheme.slice(0, withScheme.indexOf('://')).toLowerCase()
  const named = context !== undefined && context !== 'default' ? { context } : {}
  if (scheme === 'unix' || scheme === 'npipe' || scheme === 'fd') {
    return { host: trimmed, transport: scheme, ...named }
  }
  if (scheme !== 'tcp' && scheme !== 'ssh') {
    throw new Error(
      `The Docker engine's address ${trimmed} has the scheme ${scheme}://, which the docker CLI does not know: use unix://, tcp:// or ssh://`,
    )
  }
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    throw new Error(
      `The Docker engine's address ${trimmed} is not a URL: write tcp://host:port or ssh://user@host`,
    )
  }
  if (url.hostname === '') {
    throw new Error(`The Docker engine's address ${trimmed} names no host`)
  }
  const hostname = url.hostname.replace(/^\[|\]$/g, '')
  // tcp on loopback is an engine here; ssh to loopback still runs the engine's side here too.
  const remote = isLoopbackHost(hostname) ? {} : { remoteHost: hostname }
  return { host: trimmed, transport: scheme, ...named, ...remote }
}

interface ContextInspect {
  Name?: string
  Endpoints?: { docker?: { Host?: string } }
}

/** The engine of `docker context inspect`'s answer (a JSON list of one context). */
export function engineFromContextInspect(json: string): Engine {
  const parsed = JSON.parse(json) as ContextInspect[] | ContextInspect
  const context = Array.isArray(parsed) ? parsed[0] : parsed
  const host = context?.Endpoints?.docker?.Host
  if (typeof host !== 'string' || host === '') {
    throw new Error(`docker context inspect named no engine for context ${context?.Name ?? '?'}`)
  }
  return parseEngineHost(host, context.Name)
}

/** The engine when the CLI cannot say (a CLI without contexts): DOCKER_HOST, else the socket. */
export function engineFromEnvironment(env: NodeJS.ProcessEnv): Engine {
  const host = env.DOCKER_HOST
  if (host !== undefined && host.trim() !== '') return parseEngineHost(host)
  return process.platform === 'win32'
    ? { host: 'npipe:////./pipe/docker_engine', transport: 'npipe' }
    : { host: 'unix:///var/run/docker.sock', transport: 'unix' }
}

/**
 * The docker CLI's global options that reach this engine again from another process (the post
 * step), whatever DOCKER_HOST or the current context say by then. A named context keeps its
 * TLS material, so it is named rather than its URL.
 */
export function engineArgs(engine: Pick<Engine, 'host' | 'context'> | undefined): string[] {
  if (engine === undefined) return []
  return engine.context !== undefined ? ['--context', engine.context] : ['--host', engine.host]
}

/** How the log names the engine: its URL, and the context it came from. */
export function describeEngine(engine: Engine): string {
  return engine.context !== undefined ? `${engine.host} (context ${engine.context})` : engine.host
}
