export default {
  vu: { idInTest: 1, idInInstance: 1, iterationInInstance: 0, iterationInScenario: 0 },
  scenario: {
    name: 'stub',
    executor: 'stub',
    startTime: Date.now(),
    progress: 0,
    iterationInInstance: 0,
    iterationInTest: 0,
  },
  instance: {
    vusActive: 1,
    vusInitialized: 1,
    iterationsCompleted: 0,
    iterationsInterrupted: 0,
    currentTestRunDuration: 0,
  },
  test: { abort() {} },
};
