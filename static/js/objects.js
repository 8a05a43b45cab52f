// The objects of one sandbox as the browser holds them: a snapshot kept current by events.
// The same rules as cluster/snapshot.py (tested there): keyed by uid; DELETED removes;
// an event not newer than the object held is ignored; a batch that does not continue from
// our resourceVersion is a gap, and the caller must ask for a new snapshot.

function versionOf(object) {
  return Number(object.metadata?.resourceVersion || 0);
}

export function groupOf(object) {
  const apiVersion = object.apiVersion || "v1";
  return apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
}

export class ObjectView {
  constructor() {
    this.objects = new Map();
    this.resourceVersion = null;
    this.changed = new Set(); // uids changed since the last drawing
    this.reloaded = false;
  }

  loadSnapshot(message) {
    this.objects = new Map(message.objects.map((object) => [object.metadata.uid, object]));
    this.resourceVersion = message.resourceVersion;
    this.reloaded = true;
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
    this.changed.add(uid);
  }

  // Objects of a kind; `group` "" is the core group.
  ofKind(kind, group = "") {
    const found = [];
    for (const object of this.objects.values()) {
      if (object.kind === kind && groupOf(object) === group) found.push(object);
    }
    return found;
  }

  takeChanges() {
    const changed = { uids: this.changed, reloaded: this.reloaded };
    this.changed = new Set();
    this.reloaded = false;
    return changed;
  }
}
