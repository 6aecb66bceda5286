// Where the portal runs, as the handlers need to know it: in AWS by default; the local runtime (infra/local)
// supplies its own at start. Handlers ask this adapter what they may do, never whether they run locally.

/** What only the local runtime allows (tests and demos); AWS allows none of it. */
export interface Deployment {
  /** POST /v1/ops/hourly-check runs as of the `now` the caller asks for (API.md: local runtime only). */
  readonly honoursRequestedTime: boolean;
  /** /openapi.json describes the routes only the local runtime serves (`localOnly` in the route table). */
  readonly describesLocalOnlyRoutes: boolean;
}

/** AWS: Lambda behind API Gateway and EventBridge. */
export const AWS_DEPLOYMENT: Deployment = Object.freeze({
  honoursRequestedTime: false,
  describesLocalOnlyRoutes: false,
});

/** The local runtime of `npm start` and the tests (infra/local/portal.ts). */
export const LOCAL_DEPLOYMENT: Deployment = Object.freeze({
  honoursRequestedTime: true,
  describesLocalOnlyRoutes: true,
});

let current: Deployment = AWS_DEPLOYMENT;

/** The deployment this process serves (AWS unless the local runtime said otherwise). */
export function deployment(): Deployment {
  return current;
}

/** The local runtime's start supplies LOCAL_DEPLOYMENT; null returns to AWS_DEPLOYMENT. */
export function useDeployment(next: Deployment | null): void {
  current = next ?? AWS_DEPLOYMENT;
}
