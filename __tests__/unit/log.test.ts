import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { endOpenRelays, startRelay } from '../../src/log.js'
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
