import { describe, expect, it } from '@jest/globals'
import { hasCredentials, pipBuildArgs, renderPipConf } from '../../src/plan/pip-config.js'

describe('pip config', () => {
  const indexes = {
    indexUrl: 'http://127.0.0.1:8080/simple/',
    extraIndexUrls: ['https://pkgs.example.com/a/', 'http://10.1.2.3/b/'],
  }

  it('renders a pip.conf that trusts the plain-http hosts only', () => {
    expect(renderPipConf(indexes)).toBe(
      '[global]\nindex-url = http://127.0.0.1:8080/simple/\nextra-index-url = https://pkgs.example.com/a/\n    http://10.1.2.3/b/\ntrusted-host = 127.0.0.1:8080\n    10.1.2.3\n',
    )
  })

  it('gives build args for the legacy builder', () => {
    expect(pipBuildArgs(indexes)).toEqual([
      { key: 'PIP_INDEX_URL', value: 'http://127.0.0.1:8080/simple/' },
      { key: 'PIP_EXTRA_INDEX_URL', value: 'https://pkgs.example.com/a/ http://10.1.2.3/b/' },
      { key: 'PIP_TRUSTED_HOST', value: '127.0.0.1:8080 10.1.2.3' },
    ])
  })

  it('refuses credentials for build args, without echoing them', () => {
    const secret = { indexUrl: 'https://user:t0ken@pkgs.example.com/simple/', extraIndexUrls: [] }
    expect(hasCredentials(secret)).toBe(true)
    expect(() => pipBuildArgs(secret)).toThrow('legacy Docker builder has no build secrets')
    expect(() => pipBuildArgs(secret)).not.toThrow(/t0ken/)
  })
})
