// Which engine the CLI talks to and whether it runs here, from DOCKER_HOST's forms and from
// `docker context inspect`'s answer (as the 28.x CLI prints it); and the options that reach
// the same engine again from the post step.
import { describe, expect, it } from '@jest/globals'
import {
  engineArgs,
  engineFromContextInspect,
  engineFromEnvironment,
  parseEngineHost,
} from '../../src/docker/engine-endpoint.js'

describe('parseEngineHost', () => {
  it.each([
    ['unix:///var/run/docker.sock', { transport: 'unix' }],
    ['npipe:////./pipe/docker_engine', { transport: 'npipe' }],
    ['tcp://10.1.2.3:2375', { transport: 'tcp', remoteHost: '10.1.2.3' }],
    ['tcp://build-host.example:2376', { transport: 'tcp', remoteHost: 'build-host.example' }],
    ['10.1.2.3:2375', { transport: 'tcp', remoteHost: '10.1.2.3' }], // bare: tcp, as the CLI reads it
    ['tcp://[fd00::7]:2375', { transport: 'tcp', remoteHost: 'fd00::7' }],
    ['ssh://builder@10.9.8.7', { transport: 'ssh', remoteHost: '10.9.8.7' }],
    ['ssh://builder@build-host:2222', { transport: 'ssh', remoteHost: 'build-host' }],
    ['tcp://docker:2376', { transport: 'tcp', remoteHost: 'docker' }], // a docker:dind service
    // An engine listening on loopback runs on this machine.
    ['tcp://127.0.0.1:2375', { transport: 'tcp' }],
    ['tcp://localhost:2375', { transport: 'tcp' }],
    ['tcp://[::1]:2375', { transport: 'tcp' }],
  ])('%s', (host, expected) => {
    const engine = parseEngineHost(host)
    expect(engine).toEqual({ host, ...expected })
  })

  it.each([
    ['http://10.1.2.3:2375', 'has the scheme http://, which the docker CLI does not know'],
    ['tcp://', 'names no host'],
    ['tcp://bad host:2375', 'is not a URL'],
  ])('refuses %s', (host, message) => {
    expect(() => parseEngineHost(host)).toThrow(message)
  })
})

function contextInspect(name: string, host: string): string {
  return JSON.stringify(
    [
      {
        Name: name,
        Metadata: {},
        Endpoints: { docker: { Host: host, SkipTLSVerify: false } },
        TLSMaterial: {},
        Storage: { MetadataPath: '<IN MEMORY>', TLSPath: '<IN MEMORY>' },
      },
    ],
    null,
    4,
  )
}

describe('engineFromContextInspect', () => {
  it('the default context: no context name to keep (DOCKER_HOST or the socket)', () => {
    expect(engineFromContextInspect(contextInspect('default', 'tcp://10.1.2.3:2375'))).toEqual({
      host: 'tcp://10.1.2.3:2375',
      transport: 'tcp',
      remoteHost: '10.1.2.3',
    })
  })

  it('a named context keeps its name (its TLS material goes with it)', () => {
    expect(engineFromContextInspect(contextInspect('team-builder', 'ssh://ci@builder'))).toEqual({
      host: 'ssh://ci@builder',
      context: 'team-builder',
      transport: 'ssh',
      remoteHost: 'builder',
    })
  })

  it('a context with no docker endpoint is an error naming it', () => {
    expect(() => engineFromContextInspect('[{"Name":"k8s","Endpoints":{}}]')).toThrow(
      'named no engine for context k8s',
    )
  })
})

describe('engineFromEnvironment (a CLI without contexts)', () => {
  it('DOCKER_HOST when set, else the local socket', () => {
    expect(engineFromEnvironment({ DOCKER_HOST: 'tcp://10.1.2.3:2375' }).remoteHost).toBe(
      '10.1.2.3',
    )
    expect(engineFromEnvironment({ DOCKER_HOST: '' })).toEqual({
      host: 'unix:///var/run/docker.sock',
      transport: 'unix',
    })
  })
})

describe('engineArgs: the post step reaches the same engine', () => {
  it.each([
    [undefined, []],
    [{ host: 'tcp://10.1.2.3:2375' }, ['--host', 'tcp://10.1.2.3:2375']],
    [{ host: 'ssh://ci@builder', context: 'team-builder' }, ['--context', 'team-builder']],
  ])('%j', (engine, args) => {
    expect(engineArgs(engine)).toEqual(args)
  })
})
