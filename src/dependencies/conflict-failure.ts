// The step's failure when the requirements break the inference server's dependencies: the
// message names every conflict; the annotation goes on the first one's requirements line.

export class ServerConflictFailure extends Error {
  constructor(
    message: string,
    /** The first conflict's line in the top requirements file, when one was found. */
    readonly line: number | undefined,
    readonly title: string,
  ) {
    super(message)
    this.name = 'ServerConflictFailure'
  }
}
