// jest globalTeardown (integration): removes the dependencies images the tests added.
import { dependenciesTags, removeTags } from './dependencies-images.mjs'

export default function teardown() {
  const before = new Set(globalThis.__dependenciesTagsAtStart ?? [])
  removeTags(dependenciesTags().filter((tag) => !before.has(tag)))
}
