import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { endOpenRelays, printInert, showFolded, startRelay } from '../../src/step/inert-log.js'
import { obeyedCommands } from '../helpers/workflow-commands.js'

let written: string
beforeEach(() => {
  written = ''
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written += String(chunk)
    return true
  })
})
afterEach(() => {
  jest.restoreAllMocks()
})

describe('startRelay', () => {
  it('shows relayed lines without obeying them', () => {
    const relay = startRelay()
    relay.line('::set-output name=image::evil')
    relay.end()
    expect(written).toContain('::set-output name=image::evil')
    expect(obeyedCommands(written)).toEqual([])
  })

  it('endOpenRelays lets the next command be obeyed, and later relayed text is dropped', () => {
    const relay = startRelay()
    relay.line('building')
    endOpenRelays()
    process.stdout.write('::warning::Received SIGINT\n')
    relay.line('::error::from the build after the signal')
    relay.end()
    expect(obeyedCommands(written).map((command) => command.line)).toEqual([
      '::warning::Received SIGINT',
    ])
    expect(written).not.toContain('after the signal')
  })
})

describe('printInert', () => {
  it.each([
    ['a legacy command inside a file name', 'x ##[error]forged: POST /score answered 200'],
    ['a command after a line break', 'case\n::error::forged: POST /score answered 200'],
    ['a command after a lone CR', 'case\r::error::forged'],
    ['a command after leading whitespace', '  ::error::forged'],
    ['a set-output in a registry message', 'failed (attempt 1 of 3: ##[set-output name=image]x)'],
  ])('shows %s and obeys none of it', (_, text) => {
    printInert(text)
    for (const line of text.split(/\r|\n/)) expect(written).toContain(`${line}\n`)
    expect(obeyedCommands(written)).toEqual([])
    // Commands written afterwards are obeyed again.
    process.stdout.write('::warning::ours\n')
    expect(obeyedCommands(written).map((command) => command.data)).toEqual(['ours'])
  })

  it('prints text that cannot be a command as it is, without a stop-commands span', () => {
    printInert('Base image user: dockeruser (uid 1000): fine')
    expect(written).toBe('Base image user: dockeruser (uid 1000): fine\n')
  })
})

describe('showFolded', () => {
  it('shows every line in its group, obeying none, a lone CR ending a line too', async () => {
    await showFolded('Container log', 'started\r::error::forged\n  ::add-mask::x\n')
    expect(written).toContain('started\n::error::forged\n  ::add-mask::x\n')
    expect(obeyedCommands(written).map((command) => command.name)).toEqual(['group', 'endgroup'])
  })
})
