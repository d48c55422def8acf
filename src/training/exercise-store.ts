/**
 * Where exercises are kept: one JSON file in the training workspace (`DATA_DIR/training/
 * exercises.json`, owner-only), written whole to a temporary file and renamed, so that a crash
 * leaves the old or the new file, never half of one. Exercises are few and small, exist only in the
 * training workspace (SQLite or not), and link to tickets by reference; the scorecard reads the
 * tickets themselves.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const runSchema = z.object({
  scenario: z.string(),
  trainee: z.string(),
  /** The simulator user who plays the persona. */
  user: z.string(),
  /** The ticket the persona's report made; null when it was not played (see `skipped`). */
  ref: z.string().nullable(),
  /** not_routed: the policy does not send this scenario to the trainee's agency. */
  skipped: z.enum(['not_routed', 'no_ticket']).optional(),
  /** How many scripted replies the persona has sent to staff messages. */
  repliesSent: z.number().int().min(0),
});

const exerciseSchema = z.object({
  id: z.string(),
  startedAt: z.string(),
  /** `staff:<id>` of the trainer. */
  startedBy: z.string(),
  scenarios: z.array(z.string()),
  trainees: z.array(z.string()),
  runs: z.array(runSchema),
});

const fileSchema = z.object({ exercises: z.array(exerciseSchema) });

/** One trainee on one scenario. */
export type Run = z.infer<typeof runSchema>;
/** An exercise: scenarios played for trainees. */
export type Exercise = z.infer<typeof exerciseSchema>;

/** The exercises of a training workspace. */
export class ExerciseStore {
  private readonly file: string;
  private exercises: Exercise[];
  private writing: Promise<void> = Promise.resolve();

  /** Reads `exercises.json` of `dir` (none yet is an empty list; a damaged file stops start-up with its name). */
  constructor(dir: string) {
    this.file = path.join(dir, 'exercises.json');
    if (!existsSync(this.file)) {
      this.exercises = [];
      return;
    }
    const parsed = fileSchema.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
    if (!parsed.success) throw new Error(`${this.file} is not an exercises file (${parsed.error.issues[0]?.message}); move it away to start afresh`);
    this.exercises = parsed.data.exercises;
  }

  /** Every exercise, newest first. */
  list(): readonly Exercise[] {
    return [...this.exercises].reverse();
  }

  get(id: string): Exercise | undefined {
    return this.exercises.find((e) => e.id === id);
  }

  /** Adds an exercise and writes the file. */
  add(exercise: Exercise): Promise<void> {
    this.exercises.push(exercise);
    return this.save();
  }

  /** Changes a run (found by its simulator user) and writes the file. */
  updateRun(user: string, change: (run: Run) => void): Promise<void> {
    for (const e of this.exercises) for (const r of e.runs) if (r.user === user) change(r);
    return this.save();
  }

  /** Writes the whole file, one write after another. */
  private save(): Promise<void> {
    const text = JSON.stringify({ exercises: this.exercises }, null, 1);
    this.writing = this.writing.then(() => {
      mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const tmp = `${this.file}.tmp`;
      writeFileSync(tmp, text, { mode: 0o600 });
      renameSync(tmp, this.file);
    });
    return this.writing;
  }
}
