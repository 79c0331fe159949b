// Drives the real core.getInput through INPUT_* variables, as the runner does.
export function setInputs(inputs: Record<string, string>): void {
  clearInputs()
  for (const [name, value] of Object.entries(inputs)) {
    process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
}

export function clearInputs(): void {
  for (const key of Object.keys(process.env)) {
    if (key.startsWith('INPUT_')) delete process.env[key]
  }
}
