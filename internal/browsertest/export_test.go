package browsertest

// AxePath is axePath, for the tests.
const AxePath = axePath
