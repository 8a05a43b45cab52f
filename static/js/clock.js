// The sandbox's simulated clock: the server sends its time and speed; between messages we
// extrapolate, as the server does, so the display ticks without a message per second.

export class SimClock {
  constructor(timeElement, speedElement, text) {
    this.timeElement = timeElement;
    this.speedElement = speedElement;
    this.text = text;
    this.reading = null;
    window.setInterval(() => this.show(), 1000);
  }

  set({ time, speed }) {
    this.reading = { time: Date.parse(time), speed, at: performance.now() };
    this.speedElement.textContent = speed === 0 ? this.text.paused : `${speed}×`;
    this.speedElement.dataset.paused = String(speed === 0);
    this.show();
  }

  now() {
    const { time, speed, at } = this.reading;
    return new Date(time + (performance.now() - at) * speed);
  }

  show() {
    if (!this.reading) return;
    const now = this.now();
    this.timeElement.dateTime = now.toISOString();
    this.timeElement.textContent = now.toLocaleTimeString(document.documentElement.lang, { hour12: false });
  }
}
