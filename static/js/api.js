// Calling the workspace's endpoints: JSON in, JSON out, with Django's CSRF token on writes.

const page = JSON.parse(document.getElementById("page-data").textContent);
const workspace = JSON.parse(document.getElementById("workspace-data").textContent);

async function answer(response) {
  const body = await response.json().catch(() => ({ message: response.statusText }));
  if (!response.ok) {
    const error = new Error(body.message || response.statusText);
    error.status = body;
    throw error;
  }
  return body;
}

export async function post(action, body) {
  const response = await fetch(`${workspace.endpoints}${action}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": workspace.csrf },
    body: JSON.stringify(body),
    credentials: "same-origin",
  });
  return answer(response);
}

export async function get(action, params) {
  const query = new URLSearchParams(params).toString();
  return answer(await fetch(`${workspace.endpoints}${action}?${query}`, { credentials: "same-origin" }));
}

// "Error from server (NotFound): ..." for a failed call, as kubectl would print it.
export function describeError(error) {
  const status = error.status;
  return status?.reason ? `Error from server (${status.reason}): ${status.message}` : String(error.message || error);
}

export { page, workspace };
