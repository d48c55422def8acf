/**
 * Builds the training workspace's exercise service over the shared services (`TRAINING=on` only):
 * the scenarios of flows/training/ checked, the exercises read from DATA_DIR/training.
 */
import path from 'node:path';
import type { Config } from '../config/env.ts';
import type { Clock } from '../core/clock.ts';
import type { ConversationService } from '../conversation/conversation-service.ts';
import type { Definitions } from '../definitions.ts';
import type { Store } from '../store/store.ts';
import { targetsFrom } from '../tickets/targets.ts';
import { ExerciseStore } from './exercise-store.ts';
import { TrainingService } from './exercise-service.ts';
import { loadTrainingSet } from './scenario.ts';
import { TRAINING_FOLDER } from './workspace.ts';

/** The exercise service of the training workspace. */
export function createTraining(config: Config, deps: { store: Store; conversation: ConversationService; definitions: Definitions; clock: Clock }): TrainingService {
  const { definitions } = deps;
  const set = loadTrainingSet(config.FLOWS_DIR, {
    dictionary: definitions.flows.dictionary,
    policy: definitions.policy,
    directory: definitions.directory,
    languages: definitions.translations.languages,
    staffLanguages: definitions.staffLanguages.codes,
  });
  return new TrainingService({
    ...deps,
    set,
    exercises: new ExerciseStore(path.join(config.DATA_DIR, TRAINING_FOLDER)),
    targets: targetsFrom(config),
    replyDelayMs: config.TRAINING_REPLY_SECONDS * 1000,
  });
}
