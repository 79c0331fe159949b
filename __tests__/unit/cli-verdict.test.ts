// The few lines a passing CLI run ends with, from the metadata output the action writes.
import { describe, expect, it } from '@jest/globals'
import { passVerdict } from '../../src/cli/verdict.js'

const ID = 'sha256:943ea4d3f8bc8c491f2d81640b3e2530bfaea08510bf318e8f718953b54e3ebd'

function outputs(metadata: Record<string, unknown>): Map<string, string> {
  return new Map([
    ['image', 'eai:1'],
    ['metadata', JSON.stringify(metadata)],
  ])
}

describe('passVerdict', () => {
  it('says what was built and how long it took, when it was live and each case', () => {
    const lines = passVerdict(
      outputs({
        image: 'eai:1',
        imageId: ID,
        reused: false,
        smokeTest: 'passed',
        cases: [
          { name: 'sample-request', status: 200, expectedStatus: 200, ms: 8, passed: true },
          { name: 'bad-input', status: 422, expectedStatus: 422, ms: 3, passed: true },
        ],
        timings: { dependenciesMs: 3_900, buildMs: 700, liveAfterMs: 307 },
      }),
    )
    expect(lines).toEqual([
      'built eai:1 (sha256:943ea4d3f8bc) in 4.6 s',
      'live after 307 ms',
      'sample-request: POST /score answered 200 in 8 ms',
      'bad-input: POST /score answered 422 in 3 ms',
    ])
  })

  it('says an image was reused, a smoke test skipped, and what was pushed', () => {
    const lines = passVerdict(
      outputs({
        image: 'eai:1',
        imageId: ID,
        reused: true,
        smokeTest: 'skipped',
        timings: {},
        pushed: [{ tag: 'localhost:5000/eai:1', digest: 'sha256:0123' }],
      }),
    )
    expect(lines).toEqual([
      'reused eai:1 (sha256:943ea4d3f8bc): the inputs are unchanged, nothing was built',
      'smoke test skipped',
      'pushed localhost:5000/eai:1 (sha256:0123)',
    ])
  })

  it('says nothing was built when build is false, and nothing without metadata', () => {
    expect(passVerdict(outputs({ tags: [], smokeTest: 'skipped', timings: {} }))).toEqual([
      'nothing built (build is false)',
      'smoke test skipped',
    ])
    expect(passVerdict(new Map())).toEqual([])
  })
})
