/** The controllers and simulation parts every cluster runs, built for its simulation settings. */
import type { Controller } from "../controllers/types";
import type { SimulationSettings } from "../sim/settings";

export function clusterControllers(_settings: SimulationSettings): Controller[] {
  return [];
}
