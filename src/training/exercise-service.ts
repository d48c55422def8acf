/**
 * Exercises (issue 17): a trainer picks scenarios and trainee accounts; each trainee's copy of each
 * scenario is played into the training queue through the real pipeline (the simulator channel), as
 * a person would report it. Trainees triage the tickets in the ordinary dashboard; when they write
 * to the reporter, the persona answers from its script. The scorecard compares each trainee's
 * handling with the scenario's expected handling.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import { RequestError } from '../core/errors.ts';
import type { ConversationService } from '../conversation/conversation-service.ts';
import type { Definitions } from '../definitions.ts';
import { assess } from '../policy/policy.ts';
import type { StaffUser, Store, TicketRecord } from '../store/store.ts';
import type { Targets } from '../tickets/targets.ts';
import type { Exercise, ExerciseStore, Run } from './exercise-store.ts';
import { personaSays, playPersona, SIM_CHANNEL } from './persona-player.ts';
import { type Scenario, storedAnswers, type TrainingSet } from './scenario.ts';
import { type RunScore, scoreRun } from './scorecard.ts';

/** One row of a scorecard: a trainee on a scenario. */
export interface ScoreRow {
  run: Run;
  trainee: StaffUser | undefined;
  scenario: Scenario;
  ticket?: TicketRecord;
  score?: RunScore;
}

/** What the service needs. */
export interface TrainingDeps {
  store: Store;
  conversation: ConversationService;
  definitions: Definitions;
  set: TrainingSet;
  exercises: ExerciseStore;
  targets: Targets;
  clock: Clock;
  /** How long a persona takes to answer a staff message. */
  replyDelayMs: number;
}

const ALL = '*';

/** The exercises of the training workspace. */
export class TrainingService {
  private readonly deps: TrainingDeps;
  /** Persona answers waiting for their time: simulator user -> when each is due. */
  private readonly due = new Map<string, number[]>();
  private ticking = false;

  constructor(deps: TrainingDeps) {
    this.deps = deps;
  }

  /** The scenarios, as shipped in flows/training/. */
  get scenarios(): readonly Scenario[] {
    return this.deps.set.scenarios;
  }

  scenario(id: string): Scenario | undefined {
    return this.deps.set.scenarios.find((s) => s.id === id);
  }

  /** Accounts that can be trainees: enabled, and not administrators (who run exercises). */
  async trainees(): Promise<StaffUser[]> {
    return (await this.deps.store.listStaff()).filter((u) => !u.disabled && u.role !== 'admin');
  }

  /** Every exercise, newest first. */
  list(): readonly Exercise[] {
    return this.deps.exercises.list();
  }

  get(id: string): Exercise | undefined {
    return this.deps.exercises.get(id);
  }

  /** Whether the policy sends a scenario's case to a trainee's agency (so that they can see it). */
  reaches(trainee: Pick<StaffUser, 'agency'>, scenario: Scenario): boolean {
    if (trainee.agency === ALL) return true;
    return assess(this.deps.definitions.policy, storedAnswers(scenario.persona.answers, this.deps.definitions.flows.dictionary)).agencies.includes(trainee.agency);
  }

  /**
   * Starts an exercise: for each trainee, each scenario whose case reaches their agency is reported
   * by its persona through the simulator; the others are listed as not for that desk.
   */
  async start(trainer: StaffUser, scenarioIds: readonly string[], traineeIds: readonly string[]): Promise<Exercise> {
    const scenarios = [...new Set(scenarioIds)].map((id) => this.scenario(id));
    if (!scenarios.length || scenarios.some((s) => !s)) throw new RequestError(400, 'training_no_scenario', 'Pick at least one scenario from the list.');
    const everyone = await this.trainees();
    const trainees = [...new Set(traineeIds)].map((id) => everyone.find((u) => u.id === id));
    if (!trainees.length || trainees.some((u) => !u)) throw new RequestError(400, 'training_no_trainee', 'Pick at least one trainee from the list.');
    const id = `EX-${randomBytes(4).toString('hex').toUpperCase()}`;
    const runs: Run[] = [];
    let n = 0;
    for (const trainee of trainees as StaffUser[]) {
      for (const scenario of scenarios as Scenario[]) {
        n += 1;
        const user = `training-${id}-${n}`;
        if (!this.reaches(trainee, scenario)) {
          runs.push({ scenario: scenario.id, trainee: trainee.id, user, ref: null, skipped: 'not_routed', repliesSent: 0 });
          continue;
        }
        const played = await playPersona({ conversation: this.deps.conversation, dictionary: this.deps.definitions.flows.dictionary }, user, scenario);
        if (played.ref && scenario.persona.writesAfter) await personaSays(this.deps.conversation, user, scenario.persona.writesAfter, 'persona-after');
        // The persona's own copies of what the bot said are not staff messages: clear them.
        await this.deps.store.takeOutbox(SIM_CHANNEL, user);
        runs.push({ scenario: scenario.id, trainee: trainee.id, user, ref: played.ref ?? null, ...(played.ref ? {} : { skipped: 'no_ticket' as const }), repliesSent: 0 });
      }
    }
    const exercise: Exercise = { id, startedAt: this.deps.clock().toISOString(), startedBy: `staff:${trainer.id}`, scenarios: scenarios.map((s) => s!.id), trainees: trainees.map((u) => u!.id), runs };
    await this.deps.exercises.add(exercise);
    return exercise;
  }

  /** A trainee's tickets in every exercise, newest exercise first. */
  runsOf(traineeId: string): { exercise: Exercise; run: Run }[] {
    return this.list().flatMap((exercise) => exercise.runs.filter((r) => r.trainee === traineeId && r.ref).map((run) => ({ exercise, run })));
  }

  /** The scorecard of an exercise: one row per trainee and scenario, in the order they were played. */
  async scorecard(exercise: Exercise): Promise<ScoreRow[]> {
    const { store, definitions, set, targets } = this.deps;
    const staff = new Map((await store.listStaff()).map((u) => [u.id, u]));
    const now = this.deps.clock();
    const rows: ScoreRow[] = [];
    for (const run of exercise.runs) {
      const scenario = this.scenario(run.scenario);
      if (!scenario) continue;
      const trainee = staff.get(run.trainee);
      const ticket = run.ref ? await store.getTicket(run.ref) : undefined;
      if (!ticket) {
        rows.push({ run, trainee, scenario });
        continue;
      }
      const score = scoreRun({
        scenario,
        traineeId: run.trainee,
        ticket,
        audit: await store.auditOf(ticket.ref),
        notes: await store.notesOf(ticket.ref),
        transcript: await store.ticketTranscript(ticket),
        targets,
        directory: definitions.directory,
        suspectWords: set.suspectWords,
        now,
      });
      rows.push({ run, trainee, scenario, ticket, score });
    }
    return rows;
  }

  /**
   * The scripted reporters read their messages: each staff message gets the persona's next reply
   * after the reply delay (case updates get none). Runs every second in the training workspace.
   */
  async tick(): Promise<number> {
    if (this.ticking) return 0;
    this.ticking = true;
    let sent = 0;
    try {
      const { store, conversation, definitions } = this.deps;
      const now = this.deps.clock().getTime();
      for (const exercise of this.list()) {
        for (const run of exercise.runs) {
          if (!run.ref) continue;
          const scenario = this.scenario(run.scenario);
          if (!scenario || run.repliesSent >= scenario.persona.replies.length) continue;
          const prefix = definitions.translations.t(scenario.persona.language)('update.staff_prefix');
          const messages = await store.takeOutbox(SIM_CHANNEL, run.user);
          const staffMessages = messages.filter((m) => String((m.payload as { text?: unknown }).text ?? '').startsWith(prefix)).length;
          const queue = this.due.get(run.user) ?? [];
          for (let i = 0; i < staffMessages; i++) queue.push(now + this.deps.replyDelayMs);
          // A closed case is over: the persona does not write into it again (that would start a new report).
          if (queue.length && queue[0]! <= now && (await store.getTicket(run.ref))?.status === 'closed') queue.length = 0;
          while (queue.length && queue[0]! <= now) {
            queue.shift();
            const reply = scenario.persona.replies[run.repliesSent];
            if (reply === undefined) continue; // the persona has said all it had to say
            await personaSays(conversation, run.user, reply, `persona-reply-${run.repliesSent + 1}`);
            await this.deps.exercises.updateRun(run.user, (r) => (r.repliesSent += 1));
            sent += 1;
          }
          if (queue.length) this.due.set(run.user, queue);
          else this.due.delete(run.user);
        }
      }
    } finally {
      this.ticking = false;
    }
    return sent;
  }
}
