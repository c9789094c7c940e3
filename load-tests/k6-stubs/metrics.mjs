class Metric {
  constructor(type, name, isTime) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]{0,127}$/.test(name)) throw new Error(`bad k6 metric name: ${name}`);
    this.name = name;
    globalThis.__k6stub.metrics.push({ type, name, isTime: !!isTime });
  }
  add() {}
}
export class Trend extends Metric {
  constructor(name, isTime) {
    super('trend', name, isTime);
  }
}
export class Counter extends Metric {
  constructor(name) {
    super('counter', name);
  }
}
export class Rate extends Metric {
  constructor(name) {
    super('rate', name);
  }
}
export class Gauge extends Metric {
  constructor(name) {
    super('gauge', name);
  }
}
export default { Trend, Counter, Rate, Gauge };
