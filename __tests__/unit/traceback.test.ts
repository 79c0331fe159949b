import { describe, expect, it } from '@jest/globals'
import { describeStartupFailure, lastPythonFailure } from '../../src/smoke-test/traceback.js'

const initRaised = `[2026-11-24 10:00:00 +0000] [9] [INFO] Booting worker with pid: 9
Traceback (most recent call last):
  File "/azureml-envs/minimal/lib/python3.11/site-packages/server/app.py", line 40, in load
    module.init()
  File "/var/azureml-app/score.py", line 7, in init
    import sklearn
ModuleNotFoundError: No module named 'sklearn'
[2026-11-24 10:00:00 +0000] [9] [INFO] Worker exiting (pid: 9)
`

const syntaxError = `Traceback (most recent call last):
  File "/srv/server.py", line 12, in load
    spec.loader.exec_module(module)
  File "<frozen importlib._bootstrap_external>", line 936, in exec_module
  File "/var/azureml-app/src/score.py", line 4
    def run(data)
                 ^
SyntaxError: expected ':'
`

describe('lastPythonFailure', () => {
  it('finds the exception and the deepest frame in the user code', () => {
    expect(lastPythonFailure(initRaised)).toEqual({
      exception: "ModuleNotFoundError: No module named 'sklearn'",
      file: 'score.py',
      line: 7,
      functionName: 'init',
    })
  })
  it('reads syntax errors, whose frame has no function', () => {
    expect(lastPythonFailure(syntaxError)).toEqual({
      exception: "SyntaxError: expected ':'",
      file: 'src/score.py',
      line: 4,
      functionName: undefined,
    })
  })
  it('takes the last traceback of several', () => {
    expect(lastPythonFailure(`${syntaxError}\n${initRaised}`)?.functionName).toBe('init')
  })
  it('gives undefined without a traceback', () => {
    expect(lastPythonFailure('nginx: [emerg] bind() failed')).toBeUndefined()
  })
})

describe('describeStartupFailure', () => {
  it.each([
    [initRaised, "init() raised ModuleNotFoundError: No module named 'sklearn' (score.py line 7)"],
    [
      syntaxError,
      "the entry script does not compile: SyntaxError: expected ':' (src/score.py line 4)",
    ],
    [
      'Traceback (most recent call last):\n  File "/var/azureml-app/score.py", line 1, in <module>\n    import nope\nModuleNotFoundError: No module named \'nope\'\n',
      "importing the entry script raised ModuleNotFoundError: No module named 'nope' (score.py line 1)",
    ],
    ['no traceback here', 'the server did not start (no Python traceback in the log)'],
  ])('describes %#', (log, message) => {
    expect(describeStartupFailure(lastPythonFailure(log))).toBe(message)
  })
})
