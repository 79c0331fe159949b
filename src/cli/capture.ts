// The pipeline speaks to the runner through process.stdout (that is how @actions/core issues
// workflow commands). The CLI runs it in-process, so it takes stdout's write() over for the run
// and hands the text to the renderer; the renderer prints through the original write().
import { StringDecoder } from 'node:string_decoder'

type WriteCallback = (error?: Error | null) => void

export interface Capture {
  /** The stream's own write, for the renderer's output. */
  original(text: string): void
  /** Gives write() back to the stream; safe to call twice. */
  restore(): void
}

export function captureWrites(stream: NodeJS.WriteStream, sink: (text: string) => void): Capture {
  const original = stream.write
  const decoder = new StringDecoder('utf8')
  let restored = false
  const replacement = function (
    chunk: string | Uint8Array,
    encodingOrCallback?: BufferEncoding | WriteCallback,
    callback?: WriteCallback,
  ): boolean {
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback
    const encoding = typeof encodingOrCallback === 'string' ? encodingOrCallback : 'utf8'
    // A multi-byte character split across Buffer writes is decoded once it is whole.
    let text: string
    if (typeof chunk !== 'string') text = decoder.write(Buffer.from(chunk))
    else if (/^utf-?8$/i.test(encoding)) text = chunk
    else text = Buffer.from(chunk, encoding).toString('utf8')
    sink(text)
    if (done) process.nextTick(done)
    return true
  }
  stream.write = replacement as typeof stream.write
  return {
    original: (text: string) => {
      original.call(stream, text)
    },
    restore: () => {
      if (restored) return
      restored = true
      stream.write = original
    },
  }
}
