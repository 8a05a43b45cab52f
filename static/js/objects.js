// The objects of one sandbox as the browser holds them: a snapshot kept current by events.
// The same rules as cluster/snapshot.py (tested there): keyed by uid; DELETED removes;
// an event not newer than the object held is ignored; a batch that does not continue from
// our resourceVersion is a gap, and the caller must ask for a new snapshot.

function versionOf(object) {
  return Number(object.metadata?.resourceVersion || 0);
}

export class ObjectView {
  constructor() {
    this.objects = new Map();
    this.resourceVersion = null;
  }

  loadSnapshot(message) {
    this.objects = new Map(message.objects.map((object) => [object.metadata.uid, object]));
    this.resourceVersion = message.resourceVersion;
  }

  // Returns false on a gap, leaving the view untouched.
  applyBatch(message) {
    if (message.from !== this.resourceVersion) return false;
    for (const event of message.events) this.applyEvent(event);
    this.resourceVersion = message.to;
    return true;
  }

  applyEvent({ type, object }) {
    const uid = object.metadata.uid;
    const held = this.objects.get(uid);
    if (held && versionOf(held) >= versionOf(object)) return;
    if (type === "DELETED") this.objects.delete(uid);
    else this.objects.set(uid, object);
  }

  ofKind(kind) {
    return [...this.objects.values()].filter((object) => object.kind === kind && object.apiVersion === "v1");
  }
}
