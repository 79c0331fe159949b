export interface SecondDaemonOptions {
  /** Its own bridge (made, and removed by stop()); a leftover of that name is replaced. */
  bridge: string
  /** The bridge's address, e.g. 192.168.233.1/24: refused where another interface's overlaps. */
  cidr: string
  /** The directory it owns (made if missing, removed by stop()); default: a new temp dir. */
  dir?: string
  /** A tmpfs of this size as its data root: a disk it may fill. */
  diskMb?: number
  /** It stops by itself after this long (timeout(1)), whatever happens to its starter. */
  maxSeconds?: number
  /** Its own process group, so that a Ctrl-C in the terminal does not reach it. */
  detached?: boolean
  /** Called once it is spawned, with its stop(); the returned function is called once stopped. */
  registerCleanup?: (label: string, stop: () => Promise<void>) => () => void
  /** An existing network namespace (/run/netns/NAME) to run in; its bridge is made there. */
  netns?: string
  /** Also listen on this tcp:// address, without TLS (an engine reached over the network). */
  tcpHost?: string
}

export interface SecondDaemon {
  /** DOCKER_HOST for this engine. */
  host: string
  /** Environment that points the docker CLI at this engine. */
  env: { DOCKER_HOST: string }
  dir: string
  dataRoot: string
  /** Runs the docker CLI against this engine; resolves with trimmed stdout. */
  docker(args: string[]): Promise<string>
  /** Copies an image from the shared engine, as a pull would. */
  copyImage(reference: string): Promise<void>
  /** Stops the engine only (again: a no-op). */
  stopEngine(): Promise<void>
  /** Stops the engine, removes what it made: mounts, bridge, directory (again: same promise). */
  stop(): Promise<void>
}

export declare function startSecondDaemon(options: SecondDaemonOptions): Promise<SecondDaemon>
