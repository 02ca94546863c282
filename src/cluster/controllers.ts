/** The controllers and simulation parts every cluster runs, built for its simulation settings. */
import { createCronJobController } from "../controllers/cronjob";
import { createDeploymentController } from "../controllers/deployment";
import { createEndpointsController } from "../controllers/endpoints";
import { createGarbageCollector } from "../controllers/garbageCollector";
import { createDaemonSetController } from "../controllers/daemonset";
import { createHpaController } from "../controllers/hpa";
import { createJobController } from "../controllers/job";
import { createStatefulSetController } from "../controllers/statefulset";
import { createPodGarbageCollector } from "../controllers/podGC";
import { createReplicaSetController, createReplicationControllerController } from "../controllers/replicaset";
import { createEndpointSliceController } from "../controllers/endpointSlices";
import { createServiceLoadBalancerController } from "../controllers/serviceLoadBalancer";
import { createResourceQuotaController } from "../controllers/resourceQuota";
import type { Controller } from "../controllers/types";
import { createVolumeController } from "../controllers/volumes";
import { createKubelet } from "../sim/kubelet";
import { createNodeLifecycle } from "../sim/nodeLifecycle";
import { createScheduler } from "../sim/scheduler";
import { externalMetricSamples } from "../sim/externalMetrics";
import type { SimulationSettings } from "../sim/settings";

export function clusterControllers(settings: SimulationSettings): Controller[] {
  return [
    createScheduler(settings),
    createKubelet(settings),
    createNodeLifecycle(settings),
    createEndpointsController(),
    createEndpointSliceController(),
    createServiceLoadBalancerController(),
    createVolumeController(settings),
    createReplicaSetController(settings),
    createReplicationControllerController(settings),
    createDeploymentController(settings),
    createJobController(settings),
    createCronJobController(settings),
    createStatefulSetController(settings),
    createDaemonSetController(settings),
    createHpaController(settings, { externalMetrics: ({ name, snapshot }) => externalMetricSamples(snapshot, name) }),
    createGarbageCollector(),
    createPodGarbageCollector(),
    createResourceQuotaController(),
  ];
}
