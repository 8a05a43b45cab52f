// The control plane as a strip of boxes that light up when each part acts: every write goes
// through the API server into etcd; the scheduler binds pods; the controller manager's
// controllers reconcile; the kubelets run pods on the nodes.

const CONTROLLER_MANAGER = "controller-manager";
const LIT_MS = 900;

function componentsOf(actor) {
  if (!actor || actor === "apiserver") return ["apiserver", "etcd"];
  if (actor === "scheduler" || actor === "kubelet") return [actor, "apiserver", "etcd"];
  return [CONTROLLER_MANAGER, "apiserver", "etcd"];
}

export class Strip {
  constructor(root) {
    this.boxes = new Map([...root.querySelectorAll("[data-component]")].map((box) => [box.dataset.component, box]));
    this.timers = new Map();
  }

  activity(entries = []) {
    const lit = new Map();
    for (const { actor } of entries) {
      for (const component of componentsOf(actor)) lit.set(component, actor);
    }
    for (const [component, actor] of lit) this.light(component, actor);
  }

  light(component, actor) {
    const box = this.boxes.get(component);
    if (!box) return;
    box.classList.remove("lit");
    void box.getBoundingClientRect(); // restart the glow when it is already on
    box.classList.add("lit");
    if (component === CONTROLLER_MANAGER) box.querySelector(".who").textContent = actor;
    window.clearTimeout(this.timers.get(component));
    this.timers.set(component, window.setTimeout(() => box.classList.remove("lit"), LIT_MS));
  }
}
