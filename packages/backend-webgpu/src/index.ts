// @polytensor/backend-webgpu: work in progress (issue 23).
export {};
