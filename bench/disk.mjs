// Peak extra disk use during a run: the used bytes of a file system, sampled every ~100 ms;
// the answer is the highest sample minus the first. Whatever else writes to the same file
// system at the same time counts too.
import * as fs from 'node:fs'

function usedBytes(dir) {
  const stats = fs.statfsSync(dir)
  return (stats.blocks - stats.bfree) * stats.bsize
}

export function startDiskSampler(dir, intervalMs = 100) {
  const startBytes = usedBytes(dir)
  let peakBytes = startBytes
  let samples = 1
  const sample = () => {
    peakBytes = Math.max(peakBytes, usedBytes(dir))
    samples++
  }
  const timer = setInterval(sample, intervalMs)
  return {
    stop() {
      clearInterval(timer)
      sample()
      return {
        peakExtraBytes: peakBytes - startBytes,
        endExtraBytes: usedBytes(dir) - startBytes,
        samples,
      }
    },
  }
}
