// jest globalSetup (integration): what the daemon held before the tests.
import { dependenciesTags } from './dependencies-images.mjs'

export default function setup() {
  globalThis.__dependenciesTagsAtStart = dependenciesTags()
}
