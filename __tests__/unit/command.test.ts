// The command runner with real processes (no docker): argv only, lines, signals, stopping.
import { afterEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { CommandNotStarted, CommandRunner } from '../../src/docker/command.js'
import { ROOT } from '../helpers/local-pypi.js'

describe('no shell, anywhere in the action', () => {
  it('processes are started from argv arrays only (spawn/execFile, never a shell)', () => {
    const src = path.join(ROOT, 'src')
    const found: string[] = []
    const files = fs
      .readdirSync(src, { recursive: true })
      .map(String)
      .filter((name) => name.endsWith('.ts'))
    // Every module, in every folder: a check that saw only some would pass for the wrong reason.
    expect(files).toEqual(expect.arrayContaining(['main.ts', path.join('docker', 'command.ts')]))
    for (const file of files) {
      const text = fs.readFileSync(path.join(src, file), 'utf8')
      if (/shell:\s*true|execSync|spawnSync/.test(text)) found.push(`${file}: a shell`)
      if (/import \* as \w+ from 'node:child_process'/.test(text)) found.push(`${file}: import *`)
      for (const [, names] of text.matchAll(
        /import\s*\{([^}]*)\}\s*from\s*'node:child_process'/g,
      )) {
        for (const name of names.split(',').map((n) => n.replace(/\btype\b/, '').trim())) {
          if (!['spawn', 'execFile', 'ChildProcess', 'ChildProcessByStdio', ''].includes(name))
            found.push(`${file}: ${name}`)
        }
      }
    }
    expect(found).toEqual([])
    expect(fs.readFileSync(path.join(src, 'docker', 'command.ts'), 'utf8')).toContain(
      'shell: false',
    )
  })
})

describe('CommandRunner', () => {
  it('passes arguments as they are, with no shell in between', async () => {
    const runner = new CommandRunner()
    const hostile = ['$(id)', '`id`', 'a b', '; id', '"\'\\', '*']
    const result = await runner.run('printf', ['%s\\n', ...hostile])
    expect(result).toEqual({ exitCode: 0, stdout: hostile.join('\n') + '\n', stderr: '' })
  })

  it('hands every line of stdout and stderr to the listener, the last one unterminated too', async () => {
    const lines: string[] = []
    const result = await new CommandRunner().run(
      'sh',
      ['-c', 'printf "a\\nb\\r\\n"; printf "e\\n" >&2; printf "tail"; exit 3'],
      (line) => lines.push(line),
    )
    expect(result.exitCode).toBe(3)
    expect(lines.sort()).toEqual(['a', 'b', 'e', 'tail'])
  })

  it('hands its input to the program on stdin (runWithInput)', async () => {
    const input = `${'x'.repeat(200_000)}\nend`
    const result = await new CommandRunner().runWithInput('wc', ['-c'], input)
    expect(result.exitCode).toBe(0)
    expect(result.stdout.trim()).toBe(String(input.length))
  })

  it('stops only the program whose signal is aborted', async () => {
    const runner = new CommandRunner()
    const controller = new AbortController()
    const stopped = runner.run('sleep', ['30'], undefined, { signal: controller.signal })
    const other = runner.run('sleep', ['0.5'])
    setTimeout(() => controller.abort(), 100)
    expect((await stopped).signal).toBe('SIGTERM')
    expect(await other).toEqual(expect.objectContaining({ exitCode: 0 }))
  })

  it('reports a program that is not there as not started', async () => {
    const error = await new CommandRunner()
      .run('no-such-program-eai', [])
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(CommandNotStarted)
    expect((error as CommandNotStarted).code).toBe('ENOENT')
  })

  it('reports a process ended by a signal with its signal', async () => {
    const result = await new CommandRunner().run('sh', ['-c', 'kill -KILL $$'])
    expect(result).toMatchObject({ exitCode: 137, signal: 'SIGKILL' })
  })

  it('stops every running command and resolves once they ended', async () => {
    const runner = new CommandRunner()
    const started = Date.now()
    const sleeping = [runner.run('sleep', ['30']), runner.run('sleep', ['30'])]
    expect(runner.count).toBe(2)
    await runner.stopAll()
    const results = await Promise.all(sleeping)
    expect(results.map((result) => result.signal)).toEqual(['SIGTERM', 'SIGTERM'])
    expect(runner.count).toBe(0)
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('ends when the process exits, even if a helper it started holds its output', async () => {
    const started = Date.now()
    const result = await new CommandRunner().run('sh', ['-c', '(sleep 4) & echo started'])
    expect(result).toMatchObject({ exitCode: 0, stdout: 'started\n' })
    expect(Date.now() - started).toBeLessThan(3500)
  })

  it('kills a command that ignores SIGTERM after the grace time', async () => {
    const runner = new CommandRunner()
    const stubborn = runner.run('sh', ['-c', 'trap "" TERM; echo ready; sleep 30 & wait'], () => {})
    await new Promise((resolve) => setTimeout(resolve, 200))
    await runner.stopAll(300)
    expect((await stubborn).signal).toBe('SIGKILL')
  })
})

describe('CommandRunner.pipeOut', () => {
  it('streams stdout to the consumer and keeps none of it', async () => {
    const runner = new CommandRunner()
    const { result, value } = await runner.pipeOut(
      'head',
      ['-c', '3000000', '/dev/zero'],
      async (stdout) => {
        let bytes = 0
        for await (const chunk of stdout) bytes += (chunk as Buffer).length
        return bytes
      },
    )
    expect(value).toBe(3_000_000)
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toBe('')
  })

  it('stops the program when the consumer fails, and returns that failure', async () => {
    const runner = new CommandRunner()
    const { failure, value } = await runner.pipeOut('yes', [], async (stdout) => {
      for await (const chunk of stdout) if (chunk) throw new Error('disk full')
      return 'never'
    })
    expect((failure as Error).message).toBe('disk full')
    expect(value).toBeUndefined()
    expect(runner.count).toBe(0)
  })

  it('returns the exit code and stderr of a program that failed by itself', async () => {
    const runner = new CommandRunner()
    const { result, failure } = await runner.pipeOut(
      'sh',
      ['-c', 'echo no such image >&2; exit 1'],
      async (stdout) => {
        for await (const chunk of stdout) if (chunk) throw new Error('never reached')
        throw new Error('the archive ended early')
      },
    )
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toBe('no such image\n')
    expect((failure as Error).message).toBe('the archive ended early')
  })

  it('stops the program when its output is no longer wanted', async () => {
    const runner = new CommandRunner()
    const stop = new AbortController()
    setTimeout(() => stop.abort(), 100)
    const started = Date.now()
    const { result } = await runner.pipeOut(
      'yes',
      [],
      async (stdout) => {
        for await (const chunk of stdout) void chunk
      },
      stop.signal,
    )
    expect(result.signal).toBe('SIGTERM')
    expect(Date.now() - started).toBeLessThan(5000)
    expect(runner.count).toBe(0)
  })
})

describe('process groups (POSIX only)', () => {
  const realPlatform = process.platform
  afterEach(() => {
    Object.defineProperty(process, 'platform', { value: realPlatform })
  })

  /** The process group of this test process, from /proc (the field after state and ppid). */
  function ownGroup(): string {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]
  }
  /** Runs a shell that prints its pid and its process group. */
  async function pidAndGroup(runner: CommandRunner): Promise<string[]> {
    const result = await runner.run('sh', ['-c', 'echo $$ $(cut -d" " -f5 /proc/$$/stat)'])
    return result.stdout.trim().split(' ')
  }

  it.each(['linux', 'darwin'])(
    'on %s a command leads a group of its own, so that stopping it reaches its children',
    async (platform) => {
      Object.defineProperty(process, 'platform', { value: platform })
      const [pid, group] = await pidAndGroup(new CommandRunner())
      expect(group).toBe(pid)
      expect(group).not.toBe(ownGroup())
    },
  )

  it('on Windows a command stays in the caller group and is stopped alone', async () => {
    Object.defineProperty(process, 'platform', { value: 'win32' })
    const runner = new CommandRunner()
    const [pid, group] = await pidAndGroup(runner)
    expect(group).toBe(ownGroup())
    expect(group).not.toBe(pid)
    const sleeping = runner.run('sleep', ['30'])
    await runner.stopAll()
    expect((await sleeping).signal).toBe('SIGTERM')
  })
})
