/** The controllers and simulation parts every cluster runs, built for its simulation settings. */
import { createEndpointsController } from "../controllers/endpoints";
import { createGarbageCollector } from "../controllers/garbageCollector";
import { createReplicaSetController, createReplicationControllerController } from "../controllers/replicaset";
import { createEndpointSliceController } from "../controllers/endpointSlices";
import type { Controller } from "../controllers/types";
import { createVolumeController } from "../controllers/volumes";
import { createNodeLifecycle } from "../sim/nodeLifecycle";
import { createScheduler } from "../sim/scheduler";
import type { SimulationSettings } from "../sim/settings";

export function clusterControllers(settings: SimulationSettings): Controller[] {
  return [
    createScheduler(settings),
    createNodeLifecycle(settings),
    createEndpointsController(),
    createEndpointSliceController(),
    createVolumeController(settings),
    createReplicaSetController(settings),
    createReplicationControllerController(settings),
    createGarbageCollector(),
  ];
}
