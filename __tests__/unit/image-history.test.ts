// docker history as both builders record it (lines taken from real images built here by the
// legacy builder of docker 28 and by BuildKit in docker 20.10): the step shown as its
// instruction, build args left out, and only the layers above the base's own.
import { describe, expect, it } from '@jest/globals'
import {
  describeStep,
  layersOver,
  parseHistory,
  type HistoryEntry,
} from '../../src/docker/image-history.js'

describe('describeStep', () => {
  it.each([
    [
      'legacy COPY',
      '/bin/sh -c #(nop) COPY dir:66f915d1c17a in /var/azureml-app/ ',
      'COPY dir:66f915d1c17a in /var/azureml-app/',
    ],
    ['legacy ENV', '/bin/sh -c #(nop)  ENV A=1 B=2', 'ENV A=1 B=2'],
    [
      'legacy RUN',
      '/bin/sh -c apt-get update  && apt-get install -y libgomp1',
      'RUN apt-get update && apt-get install -y libgomp1',
    ],
    [
      'legacy RUN with build args',
      '|2 PIP_INDEX_URL=http://u:p@127.0.0.1:1/simple/ OTHER=a b /bin/sh -c cd /tmp/x  && pip install -r requirements.txt',
      'RUN cd /tmp/x && pip install -r requirements.txt',
    ],
    ['BuildKit COPY', 'COPY f /f # buildkit', 'COPY f /f'],
    ['BuildKit LABEL', 'LABEL a=b', 'LABEL a=b'],
    ['BuildKit RUN', 'RUN /bin/sh -c echo hi > /x # buildkit', 'RUN echo hi > /x'],
    [
      'BuildKit RUN with build args',
      'RUN |2 PIP_INDEX_URL=http://u:p@x/simple OTHER=a b /bin/sh -c echo "$PIP_INDEX_URL" > /z # buildkit',
      'RUN echo "$PIP_INDEX_URL" > /z',
    ],
    [
      'BuildKit RUN with a secret mount',
      'RUN --mount=type=secret,id=pip /bin/sh -c pip install x # buildkit',
      'RUN pip install x',
    ],
    [
      'RUN under another shell: the args left out whole',
      'RUN |1 TOKEN=secret /bin/bash -c make # buildkit',
      'RUN (1 build args left out)',
    ],
  ])('%s', (_name, createdBy, step) => {
    expect(describeStep(createdBy)).toBe(step)
  })
})

describe('parseHistory', () => {
  it('reads one JSON object a line, sizes in bytes', () => {
    const stdout = [
      '{"Comment":"buildkit.dockerfile.v0","CreatedBy":"LABEL a=b","ID":"sha256:c1","Size":"0"}',
      '{"Comment":"","CreatedBy":"COPY f /f # buildkit","ID":"<missing>","Size":"307203"}',
      '',
    ].join('\n')
    expect(parseHistory(stdout)).toEqual([
      { createdBy: 'LABEL a=b', bytes: 0 },
      { createdBy: 'COPY f /f # buildkit', bytes: 307203 },
    ])
  })

  it('refuses a size that is not a number of bytes (docker history without --human=false)', () => {
    expect(() => parseHistory('{"CreatedBy":"COPY f /f","Size":"1.5MB"}')).toThrow(/something else/)
  })
})

describe('layersOver', () => {
  const base: HistoryEntry[] = [
    { createdBy: '/bin/sh -c #(nop)  USER dockeruser', bytes: 0 },
    { createdBy: '/bin/sh -c apt-get install nginx', bytes: 40_000_000 },
  ]
  it("keeps the image's own steps that made a layer, in the order they were built", () => {
    const image: HistoryEntry[] = [
      { createdBy: 'LABEL x=y', bytes: 0 },
      { createdBy: 'COPY . /var/azureml-app/ # buildkit', bytes: 782 },
      { createdBy: 'ENV AZUREML_ENTRY_SCRIPT=score.py', bytes: 0 },
      { createdBy: 'COPY empty /var/azureml-app/azureml-models/ # buildkit', bytes: 0 },
      { createdBy: 'RUN /bin/sh -c pip install tinylinear # buildkit', bytes: 4096 },
      { createdBy: 'USER root:root', bytes: 0 },
      ...base,
    ]
    expect(layersOver(image, base)).toEqual([
      { step: 'RUN pip install tinylinear', bytes: 4096 },
      { step: 'COPY empty /var/azureml-app/azureml-models/', bytes: 0 },
      { step: 'COPY . /var/azureml-app/', bytes: 782 },
    ])
  })

  it('is empty for the base itself', () => {
    expect(layersOver(base, base)).toEqual([])
  })
})
