import { describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { RECIPE_LABEL } from '../../src/step/constants.js'
import type { LocalImage } from '../../src/docker/docker.js'
import { renderApplicationDockerfile, type DockerfilePlan } from '../../src/plan/dockerfile.js'
import { applicationRecipe, isSameBuild } from '../../src/plan/same-build.js'

const plan: DockerfilePlan = {
  baseImage: 'base:1',
  user: 'dockeruser',
  aptPackages: ['libgomp1'],
  requirements: true,
  pipConfig: 'none',
  model: true,
  code: true,
  entryScript: 'score.py',
  env: [{ key: 'MODE', value: 'fast' }],
  labels: [{ key: 'org.opencontainers.image.revision', value: 'abc' }],
}
const FROM = 'extend-azureml-image/dependencies:0123'
const FROM_ID = 'sha256:' + 'd'.repeat(64)

function image(layers: string[], labels: Record<string, string>): LocalImage {
  return { id: 'sha256:img', layers, user: 'dockeruser', labels, sizeBytes: 1 }
}

describe('applicationRecipe', () => {
  it('labels the Dockerfile with the digest of that Dockerfile (without the label) and the FROM id', () => {
    const recipe = applicationRecipe(plan, FROM, FROM_ID)
    const withoutLabel = renderApplicationDockerfile(plan, FROM)
    expect(recipe.digest).toBe(
      createHash('sha256')
        .update(JSON.stringify({ dockerfile: withoutLabel, fromId: FROM_ID }))
        .digest('hex'),
    )
    expect(recipe.text).toContain(`"${RECIPE_LABEL}"="${recipe.digest}"`)
    expect(recipe.text.replace(/ \\\n\s+"io\.extend-azureml-image\.recipe"="[0-9a-f]+"/, '')).toBe(
      withoutLabel,
    )
  })

  it.each<[string, Partial<DockerfilePlan>, string, string]>([
    ['another dependencies image', {}, 'extend-azureml-image/dependencies:4567', FROM_ID],
    ['the same name holding another image (a rebuilt base)', {}, FROM, 'sha256:' + 'e'.repeat(64)],
    ['another env value', { env: [{ key: 'MODE', value: 'slow' }] }, FROM, FROM_ID],
    ['another label', { labels: [] }, FROM, FROM_ID],
    ['another entry script', { entryScript: 'main.py' }, FROM, FROM_ID],
    ['no model', { model: false }, FROM, FROM_ID],
  ])('changes with %s', (_case, change, from, fromId) => {
    expect(applicationRecipe({ ...plan, ...change }, from, fromId).digest).not.toBe(
      applicationRecipe(plan, FROM, FROM_ID).digest,
    )
  })

  it('is the same for the same plan', () => {
    expect(applicationRecipe({ ...plan }, FROM, FROM_ID)).toEqual(
      applicationRecipe(plan, FROM, FROM_ID),
    )
  })
})

describe('isSameBuild', () => {
  const from = image(['a', 'b'], {})
  const digest = applicationRecipe(plan, FROM, FROM_ID).digest
  const built = image(['a', 'b', 'model', 'code'], { [RECIPE_LABEL]: digest })

  it('an image of the same recipe on the same layers is this build', () => {
    expect(isSameBuild(built, digest, from)).toBe(true)
    // Only metadata steps on top (no code, no model): no layer of its own, still this build.
    expect(isSameBuild(image(['a', 'b'], { [RECIPE_LABEL]: digest }), digest, from)).toBe(true)
  })

  it.each<[string, LocalImage | undefined]>([
    ['no image under the tag', undefined],
    ['an image without the label', image(['a', 'b', 'code'], {})],
    ['another recipe', image(['a', 'b', 'code'], { [RECIPE_LABEL]: 'f'.repeat(64) })],
    ['built on other layers', image(['a', 'x', 'code'], { [RECIPE_LABEL]: digest })],
    ['fewer layers than it starts from', image(['a'], { [RECIPE_LABEL]: digest })],
  ])('is not this build: %s', (_case, candidate) => {
    expect(isSameBuild(candidate, digest, from)).toBe(false)
  })
})
