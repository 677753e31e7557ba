// Compiled pages render through Taro's asynchronous setData: slow on a busy 2-core machine.
// Note: jest 29 reads `testTimeout` only globally, not per project, hence this setup file.
jest.setTimeout(20000)
