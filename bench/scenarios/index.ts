/** Every scenario, in the order they run within their phase. */
import { mixedScenario } from './mixed.js';
import { searchScenarios } from './searches.js';
import type { Scenario } from './types.js';
import { crudScenarios } from './crud.js';

export const allScenarios: Scenario[] = [...crudScenarios, ...searchScenarios, mixedScenario];
