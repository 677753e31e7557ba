describe('toolchain', () => {
  it('runs typescript', async () => {
    const x: number = await Promise.resolve(2)
    expect(x + 1).toBe(3)
  })
})
