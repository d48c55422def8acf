/**
 * The training workspace (issue 17): a second instance of Tangrod, started with `TRAINING=on`, with
 * its own database and files (`DATA_DIR/training/`), so that a training ticket can never appear among
 * real ones and a real ticket never in training. The simulator is its only channel (LINE and Telegram
 * are not started, whatever credentials are set), no agency is ever alerted, and every page says
 * that it is training.
 */

/** The subfolder of DATA_DIR that holds the training database and files. */
export const TRAINING_FOLDER = 'training';

/** The banner of the simulator page in training (that page is in English only). */
export const TRAINING_SIM_BANNER = 'TRAINING: this chat plays an exercise. Nothing here is a real report, and nothing reaches an agency.';

/** Why an alert of a training ticket was not sent (the audit row's `reason`). */
export const TRAINING_HOLD = 'training';
