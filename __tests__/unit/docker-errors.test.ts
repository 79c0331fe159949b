import { describe, expect, it } from '@jest/globals'
import {
  buildFailure,
  classifyPullFailure,
  pullFailureMessage,
  type PullFailure,
} from '../../src/docker/docker-errors.js'

describe('classifyPullFailure', () => {
  // docker's own words, as seen from the 20.10 engine and Docker Hub / MCR.
  it.each<[string, PullFailure]>([
    [
      'Error response from daemon: repository 127.0.0.1:43325/nope/img not found: name unknown: repository name not known to registry',
      'not-found',
    ],
    [
      'Error response from daemon: manifest for mcr.microsoft.com/azureml/x:nope not found: manifest unknown: manifest tagged by "nope" is not found',
      'not-found',
    ],
    [
      "Error response from daemon: pull access denied for nope, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
      'denied',
    ],
    ['Error response from daemon: denied', 'denied'],
    [
      'Error response from daemon: Head "https://r.example/v2/x/manifests/1": unauthorized: authentication required',
      'denied',
    ],
    [
      'Error response from daemon: received unexpected HTTP status: 503 Service Unavailable',
      'transient',
    ],
    ['Error response from daemon: Get "http://127.0.0.1:38475/v2/": EOF', 'transient'],
    [
      'Error response from daemon: Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused',
      'transient',
    ],
    [
      'Error response from daemon: Get "https://mcr.microsoft.com/v2/": net/http: TLS handshake timeout',
      'transient',
    ],
    [
      'Error response from daemon: Get "https://mcr.microsoft.com/v2/": dial tcp: lookup mcr.microsoft.com: Temporary failure in name resolution',
      'transient',
    ],
    ['toomanyrequests: You have reached your pull rate limit.', 'transient'],
    // A port or a digest with 503 in it is no server error.
    ['Error response from daemon: invalid reference format: localhost:5030/x', 'other'],
  ])('%s -> %s', (output, kind) => {
    expect(classifyPullFailure(output)).toBe(kind)
  })
})

describe('pullFailureMessage', () => {
  it('says what failed, what to try, and what docker said', () => {
    expect(
      pullFailureMessage('r.example/x:1', 'denied', 1, 'Error response from daemon: denied'),
    ).toBe(
      "Pulling base image r.example/x:1 failed: the registry refused access. Log in to it before this step (docker/login-action), or check the name in 'base-image'. docker said:\nError response from daemon: denied",
    )
    expect(pullFailureMessage('r.example/x:1', 'transient', 3, 'EOF')).toMatch(
      /^Pulling base image r\.example\/x:1 failed after 3 attempts: the registry could not be reached\. Check the runner's network/,
    )
  })
})

describe('buildFailure', () => {
  const result = (output: string, extra: object = {}) => ({
    exitCode: 1,
    stdout: output,
    stderr: '',
    ...extra,
  })

  it.each<[string, string, RegExp]>([
    [
      'disk full',
      'Error response from daemon: Error processing tar file(exit status 1): write /model/big.bin: no space left on device',
      /ran out of disk space \(no space left on device\)\. Free space on the runner \(docker system prune/,
    ],
    [
      'apt',
      'E: Unable to locate package no-such-package-eai',
      /apt has no package "no-such-package-eai"\. Check 'apt-packages'/,
    ],
    ['apt version', "E: Version '9.9' for 'curl' was not found", /apt has no package "curl"/],
    [
      'apt release',
      "E: Release 'jammy-backports' for 'file' was not found",
      /the base image's apt sources have no release "jammy-backports" for "file"\. Check 'apt-packages'/,
    ],
    [
      'pip',
      'ERROR: No matching distribution found for tinylinear==9.9.9',
      /pip could not resolve "tinylinear==9\.9\.9"\. Check 'requirements' and 'pip-index-url'/,
    ],
    [
      'network',
      'W: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease  Temporary failure resolving',
      /could not reach the network/,
    ],
    [
      'engine gone',
      'error during connect: Post "http://%2Fvar%2Frun%2Fdocker.sock/v1.41/build": EOF',
      /the Docker engine stopped answering/,
    ],
    [
      'out of memory in RUN',
      "The command '/bin/sh -c pip install x' returned a non-zero code: 137",
      /exit 137, usually out of memory/,
    ],
    [
      'anything else',
      'something odd',
      /^docker build failed \(Build x, exit 1\)\. End of the build log:\nlast$/,
    ],
  ])('%s', (_case, output, message) => {
    expect(buildFailure('Build x', result(output), ['last']).message).toMatch(message)
  })

  it('a build stopped by a signal says so, whatever its log holds', () => {
    expect(
      buildFailure(
        'Build x',
        result('E: Unable to locate package y', { exitCode: 137, signal: 'SIGKILL' }),
        ['Step 2/3'],
      ).message,
    ).toBe(
      'docker build failed (Build x, signal SIGKILL, exit 137): docker build was stopped by SIGKILL before it finished (killed: out of memory, a timeout or a cancellation). Try again; nothing was tagged. End of the build log:\nStep 2/3',
    )
  })

  it("shows the build log without the escape codes some clients colour a RUN step's stderr with", () => {
    const red = (text: string) => `\u001b[91m${text}\u001b[0m`
    const coloured = `${red('E')}${red(': ')}${red("Release 'jammy-backports' for 'file' was not found")}`
    const failure = buildFailure('Build x', result(coloured), [
      'Reading package lists...',
      coloured,
    ])
    expect(failure.message).not.toContain('\u001b')
    expect(failure.message).toMatch(/\nE: Release 'jammy-backports' for 'file' was not found$/)
    expect(failure.culprit).toEqual({ input: 'apt-packages', value: 'file/jammy-backports' })
  })

  it.each([
    ['E: Unable to locate package libnope', { input: 'apt-packages', value: 'libnope' }],
    ["E: Version '9.9' for 'curl' was not found", { input: 'apt-packages', value: 'curl' }],
    [
      "E: Release 'jammy-backports' for 'file' was not found",
      { input: 'apt-packages', value: 'file/jammy-backports' },
    ],
    ['ERROR: No matching distribution found for x==1', { input: 'requirements', value: 'x==1' }],
    ['no space left on device', undefined],
  ])('names the input value at fault: %s', (output, culprit) => {
    expect(buildFailure('Build x', result(output), []).culprit).toEqual(culprit)
  })
})
