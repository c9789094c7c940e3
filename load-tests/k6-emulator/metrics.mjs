import { addSample, metric } from './state.mjs';

class Metric {
  constructor(type, name, isTime) {
    this.name = name;
    this.type = type;
    metric(name, type, isTime);
  }
  add(value, tags) {
    addSample(this.name, this.type, typeof value === 'boolean' ? (value ? 1 : 0) : value, tags);
  }
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
