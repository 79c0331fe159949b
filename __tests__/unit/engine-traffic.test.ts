// The line that says what crossed the network to an engine on another machine.
import { describe, expect, it } from '@jest/globals'
import { describeTraffic, noTraffic } from '../../src/docker/engine-traffic.js'

describe('describeTraffic', () => {
  it.each([
    [{}, undefined],
    [{ builds: 1, buildContextBytes: 830 }, 'sent 830 B of build context (1 build)'],
    [
      { builds: 2, buildContextBytes: 1_520_000, loadedBytes: 2_400_000 },
      'sent 1.5 MB of build context (2 builds); sent the cache archive (2.4 MB)',
    ],
    [{ savedBytes: 171_300_000 }, 'received the dependencies image for the cache (171.3 MB)'],
  ])('%j', (counts, line) => {
    expect(describeTraffic({ ...noTraffic(), ...counts })).toBe(line)
  })
})
